package dev.tta.primitives.examples.servers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@code HttpServer} on 127.0.0.1 that warms up in the background and then answers:
 *
 * <ul>
 *   <li>{@code GET /health}: {@code 503} while warming up, then {@code 200} with a small JSON
 *       document: {@code {"server":"server-1","status":"ready","warmUpMicros":81234,
 *       "healthRequests":3}};
 *   <li>{@code GET /primes?below=N}: the number of primes below {@code N}, from its sieve.
 * </ul>
 */
public final class RunningServer {

  private final ServerSpec spec;
  private final HttpServer http;
  private final ExecutorService handlers;
  private final Thread warmUpThread;
  private final AtomicInteger healthRequests = new AtomicInteger();
  private volatile BitSet primes;
  private volatile long warmUpMicros;

  private RunningServer(ServerSpec spec, HttpServer http, WarmUp warmUp) {
    this.spec = spec;
    this.http = http;
    this.handlers =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, spec.name() + "-http");
              t.setDaemon(true);
              return t;
            });
    this.warmUpThread = new Thread(() -> warmUp(warmUp), spec.name() + "-warm-up");
    this.warmUpThread.setDaemon(true);
  }

  /**
   * Binds a server to its port on the loopback address, starts it and starts its warm-up.
   *
   * @param spec the server
   * @param warmUp what it computes before it is ready
   * @return the server, listening
   * @throws IOException if the port cannot be bound (a {@link java.net.BindException} when it is
   *     taken)
   */
  static RunningServer open(ServerSpec spec, WarmUp warmUp) throws IOException {
    HttpServer http = HttpServer.create();
    try {
      http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), spec.port()), 0);
    } catch (IOException e) {
      http.stop(0); // closes the unbound channel
      throw e;
    }
    RunningServer server = new RunningServer(spec, http, warmUp);
    http.setExecutor(server.handlers);
    http.createContext("/health", server::health);
    http.createContext("/primes", server::primes);
    http.start();
    server.warmUpThread.start();
    return server;
  }

  private void warmUp(WarmUp warmUp) {
    long start = System.nanoTime();
    try {
      BitSet sieve = warmUp.sieve(spec);
      warmUpMicros = (System.nanoTime() - start) / 1_000;
      primes = sieve;
    } catch (InterruptedException e) {
      // stopped while warming up: it never becomes ready
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    int served = healthRequests.incrementAndGet();
    if (primes == null) {
      respond(exchange, 503, "warming up");
    } else {
      respond(
          exchange,
          200,
          String.format(
              "{\"server\":\"%s\",\"status\":\"ready\",\"warmUpMicros\":%d,\"healthRequests\":%d}",
              spec.name(), warmUpMicros, served));
    }
  }

  private void primes(HttpExchange exchange) throws IOException {
    BitSet sieve = primes;
    String query = exchange.getRequestURI().getQuery();
    if (sieve == null) {
      respond(exchange, 503, "warming up");
      return;
    }
    try {
      if (query == null || !query.startsWith("below=")) {
        throw new NumberFormatException("expected ?below=N");
      }
      int below = Integer.parseInt(query.substring("below=".length()));
      if (below < 0 || below > spec.sieveLimit()) {
        respond(exchange, 400, "below must be 0 to " + spec.sieveLimit());
      } else {
        respond(exchange, 200, Integer.toString(sieve.get(0, below).cardinality()));
      }
    } catch (NumberFormatException e) {
      respond(exchange, 400, e.getMessage());
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * The server's spec.
   *
   * @return the spec
   */
  public ServerSpec spec() {
    return spec;
  }

  /**
   * The port it listens on (the one the system chose for port 0).
   *
   * @return the port
   */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * The server's base address, such as {@code http://127.0.0.1:41234}.
   *
   * @return the address
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public String toString() {
    return spec.name() + " on port " + port();
  }

  /**
   * Stops the server: closes its port, ends its dispatcher, handler and warm-up threads, then
   * checks that the port refuses connections.
   *
   * @return how the stop went
   * @throws InterruptedException if interrupted while waiting for the threads
   */
  Stopped stop() throws InterruptedException {
    int port = port();
    long start = System.nanoTime();
    http.stop(0);
    warmUpThread.interrupt();
    handlers.shutdownNow();
    boolean threadsEnded = handlers.awaitTermination(5, TimeUnit.SECONDS);
    warmUpThread.join(TimeUnit.SECONDS.toMillis(5));
    threadsEnded &= !warmUpThread.isAlive();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Stopped(spec.name(), port, took, threadsEnded, refusesConnections(port));
  }

  private static boolean refusesConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return false;
    } catch (IOException expected) {
      return true;
    }
  }

  /**
   * How a server stopped.
   *
   * @param server its name
   * @param port the port it had
   * @param took how long stopping took
   * @param threadsEnded whether its handler and warm-up threads ended
   * @param refusesConnections whether a new connection to the port is refused afterwards
   */
  public record Stopped(
      String server, int port, Duration took, boolean threadsEnded, boolean refusesConnections) {}
}
