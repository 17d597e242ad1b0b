package com.example.inventory;

import java.util.LinkedHashMap;
import java.util.Map;

/** Quantities in stock, by article. Not thread-safe. */
public final class Stock {

  private final Map<String, Item> items = new LinkedHashMap<>();
  private final Map<String, Integer> quantities = new LinkedHashMap<>();

  /**
   * Adds units of an article.
   *
   * @param item the article
   * @param units how many units arrive, at least 1
   */
  public void receive(Item item, int units) {
    if (units < 1) {
      throw new IllegalArgumentException("receive at least one unit of " + item.sku() + ", not " + units);
    }
    items.putIfAbsent(item.sku(), item);
    quantities.merge(item.sku(), units, Integer::sum);
  }

  /**
   * Removes units of an article.
   *
   * @param sku the article
   * @param units how many units leave
   * @return false if there were fewer units in stock, and nothing was removed
   */
  public boolean ship(String sku, int units) {
    int have = quantities.getOrDefault(sku, 0);
    if (have < units) {
      return false;
    }
    quantities.put(sku, have - units);
    return true;
  }

  /**
   * The units in stock of an article.
   *
   * @param sku the article
   * @return the units, 0 for an unknown article
   */
  public int quantity(String sku) {
    return quantities.getOrDefault(sku, 0);
  }

  /**
   * The value of everything in stock.
   *
   * @return the sum of quantity times unit price, in cents
   */
  public long valueCents() {
    long total = 0;
    for (Map.Entry<String, Integer> e : quantities.entrySet()) {
      total += items.get(e.getKey()).unitPriceCents() * e.getValue();
    }
    return total;
  }

  Map<String, Integer> quantities() {
    return quantities;
  }
}
