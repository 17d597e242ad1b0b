package dev.tta.primitives.examples.servers;

import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.net.BindException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a fleet of HTTP servers and checks that they answer: {@code plan} checks the specs, {@code
 * start} binds every server at the same time (retrying a port that is taken), {@code check} asks
 * every server over HTTP until it reports ready (retrying while it warms up, each request under a
 * deadline) and then asks it a question with a known answer, and {@code report} collects the
 * answers.
 *
 * <p>The processor turns this class into {@code ServerStartupWorkflow}. Every server this object
 * starts is stopped by {@link #stopAll()} or {@link #close()}, also when the workflow failed
 * half-way or an attempt timed out after its server had started.
 */
@Workflow
public class ServerStartup implements AutoCloseable {

  /** The probe every server must answer: {@code /primes?below=1000000}. */
  public static final int PROBE_BELOW = 1_000_000;

  /** The right answer to the probe: there are 78,498 primes below one million. */
  public static final long PRIMES_BELOW_PROBE = 78_498;

  private static final Pattern WARM_UP = Pattern.compile("\"warmUpMicros\":(\\d+)");
  private static final Pattern HEALTH_REQUESTS = Pattern.compile("\"healthRequests\":(\\d+)");

  private final WarmUp warmUp;
  private final HttpClient client;
  private final Queue<RunningServer> started = new ConcurrentLinkedQueue<>();

  /** Servers that warm up by computing their sieve. */
  public ServerStartup() {
    this(WarmUp.SIEVE);
  }

  /**
   * Servers that warm up with {@code warmUp}.
   *
   * @param warmUp what a server computes before it reports ready
   */
  public ServerStartup(WarmUp warmUp) {
    this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /**
   * Checks the plan: at least one server, unique names, no port twice.
   *
   * @param specs the servers to start
   * @return the same servers
   */
  @Step
  List<ServerSpec> plan(List<ServerSpec> specs) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("no servers to start");
    }
    Set<String> names = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (ServerSpec spec : specs) {
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("two servers are named " + spec.name());
      }
      if (spec.port() != 0 && !ports.add(spec.port())) {
        throw new IllegalArgumentException("two servers want port " + spec.port());
      }
    }
    return List.copyOf(specs);
  }

  /**
   * Binds one server on 127.0.0.1 and starts it; its warm-up begins in the background. A port that
   * is taken is tried again a little later, as when a previous instance is still shutting down.
   *
   * @param spec the server
   * @return the server, listening but maybe not ready
   * @throws IOException if the port cannot be bound
   */
  @Parallel(forEach = true)
  @Retry(max = 3, delay = "200ms", retryOn = BindException.class)
  @Timeout("5s")
  RunningServer start(ServerSpec spec) throws IOException {
    RunningServer server = RunningServer.open(spec, warmUp);
    started.add(server);
    return server;
  }

  /**
   * Asks one server for {@code /health} until it answers {@code 200}, then asks it how many primes
   * there are below {@value #PROBE_BELOW}. A {@code 503} while it warms up (a {@link
   * ServerNotReadyException}), a refused connection or an attempt that missed its five-second
   * deadline is retried with back-off, for about eight seconds in all.
   *
   * @param server the server
   * @return what it answered
   * @throws IOException if it is not ready or does not answer
   * @throws InterruptedException if the attempt is interrupted at its deadline
   */
  @Parallel(forEach = true)
  @Retry(
      max = 12,
      delay = "50ms",
      backoff = 2.0,
      maxDelay = "1s",
      retryOn = {IOException.class, TimeoutException.class})
  @Timeout("5s")
  Health check(RunningServer server) throws IOException, InterruptedException {
    HttpResponse<String> health = get(server, "/health");
    if (health.statusCode() != 200) {
      throw new ServerNotReadyException(
          server.spec().name() + " answered " + health.statusCode() + " " + health.body());
    }
    long start = System.nanoTime();
    HttpResponse<String> probe = get(server, "/primes?below=" + PROBE_BELOW);
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    if (probe.statusCode() != 200) {
      throw new IOException(
          server.spec().name() + " answered the probe with " + probe.statusCode());
    }
    return new Health(
        server.spec().name(),
        server.port(),
        Duration.ofNanos(1_000 * number(WARM_UP, health.body())),
        (int) number(HEALTH_REQUESTS, health.body()),
        Long.parseLong(probe.body().trim()),
        latency);
  }

  private HttpResponse<String> get(RunningServer server, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(5)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static long number(Pattern pattern, String json) throws IOException {
    Matcher m = pattern.matcher(json);
    if (!m.find()) {
      throw new IOException("unexpected health document: " + json);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Collects the health reports; fails if a server gave a wrong answer.
   *
   * @param health one report per server, in plan order
   * @return the fleet
   */
  @Step
  Fleet report(List<Health> health) {
    Fleet fleet = new Fleet(health);
    if (!fleet.allCorrect()) {
      throw new IllegalStateException("a server answered the probe wrongly: " + health);
    }
    return fleet;
  }

  /**
   * The servers started so far and not stopped yet.
   *
   * @return the servers, in the order they started
   */
  public List<RunningServer> running() {
    return List.copyOf(started);
  }

  /**
   * Stops every server this object started, in the order they started.
   *
   * @return how each one stopped
   * @throws InterruptedException if interrupted while waiting for a server's threads
   */
  public List<RunningServer.Stopped> stopAll() throws InterruptedException {
    List<RunningServer.Stopped> stopped = new ArrayList<>();
    for (RunningServer server; (server = started.poll()) != null; ) {
      stopped.add(server.stop());
    }
    return stopped;
  }

  /** Stops every server still running. */
  @Override
  public void close() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
