package com.example.inventory;

import java.util.Objects;

/**
 * An article in stock.
 *
 * @param sku the stock-keeping unit, unique per article
 * @param name the article's name
 * @param unitPriceCents the price of one unit, in cents
 */
public record Item(String sku, String name, long unitPriceCents) {

  /** Checks the fields. */
  public Item {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    if (unitPriceCents < 0) {
      throw new IllegalArgumentException("negative price for " + sku);
    }
  }
}
