package dev.tta.primitives.examples.quota;

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
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@code HttpServer} on 127.0.0.1 that behaves like a metered API: {@code POST /count} with a
 * text body answers the number of words in it. Like a model API it has a quota and an outage:
 *
 * <ul>
 *   <li>more than {@code quota} requests received within any {@code quotaWindow} are answered
 *       {@code 429 Too Many Requests};
 *   <li>from the receipt of request number {@code outageFrom} (counting every request received from
 *       1) and for {@code outage} after it, every request is answered {@code 503 Service
 *       Unavailable}.
 * </ul>
 *
 * <p>It counts what it received and how it answered, so the client's policies can be checked
 * against what the server saw.
 */
public final class WordCountServer {

  private final HttpServer http;
  private final ExecutorService handlers;
  private final int quota;
  private final long quotaWindowNanos;
  private final int outageFrom;
  private final long outageNanos;
  private volatile long outageStart; // System.nanoTime() of request outageFrom; 0 = not yet
  private final ArrayDeque<Long> recent = new ArrayDeque<>(); // guarded by this: receive times
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger overQuota = new AtomicInteger();

  private WordCountServer(
      HttpServer http, int quota, Duration quotaWindow, int outageFrom, Duration outage) {
    this.http = http;
    this.quota = quota;
    this.quotaWindowNanos = quotaWindow.toNanos();
    this.outageFrom = outageFrom;
    this.outageNanos = outage.toNanos();
    this.handlers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "word-count-http");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a server on an ephemeral loopback port.
   *
   * @param quota requests allowed per window
   * @param quotaWindow the window the quota is judged over (a sliding one, on receive times)
   * @param outageFrom the number of the request whose receipt starts the outage
   * @param outage how long the outage lasts
   * @return the server, listening
   * @throws IOException if it cannot bind
   */
  public static WordCountServer start(
      int quota, Duration quotaWindow, int outageFrom, Duration outage) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    WordCountServer server = new WordCountServer(http, quota, quotaWindow, outageFrom, outage);
    http.setExecutor(server.handlers);
    http.createContext("/count", server::count);
    http.start();
    return server;
  }

  /**
   * Where to send requests.
   *
   * @return {@code http://127.0.0.1:<port>/count}
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/count");
  }

  private void count(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int number = received.incrementAndGet();
      long now = System.nanoTime();
      if (number == outageFrom) {
        outageStart = now;
      }
      long down = outageStart;
      if (!withinQuota(now)) {
        overQuota.incrementAndGet();
        respond(exchange, 429, "quota of " + quota + " requests exceeded");
      } else if (down != 0 && now - down < outageNanos) {
        unavailable.incrementAndGet();
        respond(exchange, 503, "down for maintenance");
      } else {
        answered.incrementAndGet();
        respond(exchange, 200, Integer.toString(words(new String(body, StandardCharsets.UTF_8))));
      }
    }
  }

  private synchronized boolean withinQuota(long now) {
    while (!recent.isEmpty() && now - recent.peekFirst() >= quotaWindowNanos) {
      recent.removeFirst();
    }
    if (recent.size() >= quota) {
      return false;
    }
    recent.addLast(now);
    return true;
  }

  /**
   * The number of words in {@code text}: runs of non-white-space characters.
   *
   * @param text the text
   * @return its words
   */
  public static int words(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * What the server saw, so far.
   *
   * @return its counters
   */
  public Counts counts() {
    return new Counts(received.get(), answered.get(), unavailable.get(), overQuota.get());
  }

  /**
   * Stops the server and its threads.
   *
   * @return whether its port refuses connections afterwards
   * @throws InterruptedException if interrupted while waiting for its threads
   */
  public boolean stop() throws InterruptedException {
    int port = http.getAddress().getPort();
    http.stop(0);
    handlers.shutdown();
    handlers.awaitTermination(10, TimeUnit.SECONDS);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return false;
    } catch (IOException expected) {
      return true;
    }
  }

  /**
   * The server's counters.
   *
   * @param received requests received
   * @param answered answered 200
   * @param unavailable answered 503 (the outage)
   * @param overQuota answered 429 (over the quota)
   */
  public record Counts(int received, int answered, int unavailable, int overQuota) {}
}
