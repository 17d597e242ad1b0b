package dev.tta.primitives;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Chooses one route by a key computed from the input, then runs it on that input. An unknown key
 * runs the default route, or fails with {@link IllegalArgumentException} when there is none.
 *
 * @param <I> input type
 * @param <K> route key type
 * @param <O> output type
 */
public final class RouterPrimitive<I, K, O> implements WorkflowPrimitive<I, O>, Structure {

  private final Function<? super I, ? extends K> selector;
  private final Map<K, WorkflowPrimitive<? super I, ? extends O>> routes;
  private final WorkflowPrimitive<? super I, ? extends O> defaultRoute;
  private final boolean blocking;

  private RouterPrimitive(
      Function<? super I, ? extends K> selector,
      Map<K, ? extends WorkflowPrimitive<? super I, ? extends O>> routes,
      WorkflowPrimitive<? super I, ? extends O> defaultRoute) {
    this.selector = Objects.requireNonNull(selector, "selector");
    this.routes = new LinkedHashMap<>(routes);
    this.defaultRoute = defaultRoute;
    boolean anyBlocking = defaultRoute != null && defaultRoute.isBlocking();
    for (WorkflowPrimitive<? super I, ? extends O> route : this.routes.values()) {
      anyBlocking |= Objects.requireNonNull(route, "route").isBlocking();
    }
    this.blocking = anyBlocking;
  }

  /**
   * A router without a default route.
   *
   * @param selector computes the route key from the input
   * @param routes the routes by key
   * @param <I> input type
   * @param <K> key type
   * @param <O> output type
   * @return the router
   */
  public static <I, K, O> RouterPrimitive<I, K, O> of(
      Function<? super I, ? extends K> selector,
      Map<K, ? extends WorkflowPrimitive<? super I, ? extends O>> routes) {
    return new RouterPrimitive<>(selector, routes, null);
  }

  /**
   * A router with a default route for unknown keys.
   *
   * @param selector computes the route key from the input
   * @param routes the routes by key
   * @param defaultRoute runs when no route has the key
   * @param <I> input type
   * @param <K> key type
   * @param <O> output type
   * @return the router
   */
  public static <I, K, O> RouterPrimitive<I, K, O> of(
      Function<? super I, ? extends K> selector,
      Map<K, ? extends WorkflowPrimitive<? super I, ? extends O>> routes,
      WorkflowPrimitive<? super I, ? extends O> defaultRoute) {
    return new RouterPrimitive<>(selector, routes, Objects.requireNonNull(defaultRoute));
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    K key;
    try {
      key = selector.apply(input);
    } catch (RuntimeException | Error e) { // execute never throws: an Error fails the future too
      return CompletableFuture.failedFuture(e);
    }
    WorkflowPrimitive<? super I, ? extends O> route = routes.getOrDefault(key, defaultRoute);
    if (route == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "no route for key '" + key + "' in workflow '" + context.workflowName() + "'"));
    }
    return Futures.call(route, input, context);
  }

  @Override
  public String name() {
    return "router";
  }

  /** A choice is a shape, not a step: what it reports names the workflow. */
  @Override
  public boolean reportsAsWorkflow() {
    return true;
  }

  @Override
  public boolean isBlocking() {
    return blocking;
  }
}
