package com.example.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public final class StockReport {

  private StockReport() {}

  /**
   * The articles whose quantity is below a threshold, in stock order.
   *
   * @param stock the stock
   * @param threshold the lowest acceptable quantity
   * @return the articles to reorder
   */
  public static List<String> reorder(Stock stock, int threshold) {
    List skus = new ArrayList<String>();
    for (Map.Entry<String, Integer> e : stock.quantities().entrySet()) {
      if (e.getValue() < threshold) {
	skus.add(e.getKey());
      }
    }
    @SuppressWarnings("unchecked")  
    List<String> result = skus;
    return result;
  }
}
