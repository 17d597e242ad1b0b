package dev.tta.primitives.examples.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.examples.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerStartupTest {

  private static final int SMALL_SIEVE = ServerStartup.PROBE_BELOW;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ServerStartup startup;

  @AfterEach
  void stopEverything() {
    if (startup != null) {
      startup.close();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Calls {@code onRetry} for each retry of {@code step}. */
  private static WorkflowRuntime onRetry(String step, Consumer<Throwable> onRetry) {
    return WorkflowRuntime.builder()
        .listener(
            new WorkflowListener() {
              @Override
              public void onRetry(
                  WorkflowContext context,
                  String name,
                  int nextAttempt,
                  Throwable failure,
                  Duration delay) {
                if (name.equals(step)) {
                  onRetry.accept(failure);
                }
              }
            })
        .build();
  }

  @Test
  void startsServersThatReallyListenAndAnswer_thenStopsThem() throws Exception {
    startup = new ServerStartup();
    List<ServerSpec> specs =
        List.of(
            new ServerSpec("a", 0, SMALL_SIEVE),
            new ServerSpec("b", 0, 2 * SMALL_SIEVE),
            new ServerSpec("c", 0, 3 * SMALL_SIEVE));

    Fleet fleet = new ServerStartupWorkflow(startup).run(specs);

    assertEquals(List.of("a", "b", "c"), fleet.servers().stream().map(Health::server).toList());
    for (Health h : fleet.servers()) {
      assertEquals(ServerStartup.PRIMES_BELOW_PROBE, h.primesBelowProbe());
      assertTrue(h.healthRequests() >= 1, h.toString());
      // Ask each server ourselves, over our own connection.
      HttpResponse<String> health = get(h.port(), "/health");
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"server\":\"" + h.server() + "\""), health.body());
      assertEquals("25", get(h.port(), "/primes?below=100").body());
      assertEquals(400, get(h.port(), "/primes?below=oops").statusCode());
    }

    List<RunningServer.Stopped> stopped = startup.stopAll();

    assertEquals(3, stopped.size());
    for (RunningServer.Stopped s : stopped) {
      assertTrue(s.threadsEnded(), s.toString());
      assertTrue(s.refusesConnections(), s.toString());
      assertThrows(ConnectException.class, () -> get(s.port(), "/health"));
    }
    assertEquals(List.of(), startup.running());
  }

  @Test
  void aServerThatIsWarmingUp_isAskedAgainUntilItIsReady() throws Exception {
    CountDownLatch warmUpMayFinish = new CountDownLatch(1);
    startup =
        new ServerStartup(
            spec -> {
              if (!warmUpMayFinish.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the check never retried");
              }
              return Primes.sieve(spec.sieveLimit());
            });
    AtomicInteger notReady = new AtomicInteger();
    WorkflowRuntime runtime =
        onRetry(
            "check",
            failure -> {
              if (failure instanceof ServerNotReadyException) {
                notReady.incrementAndGet();
                warmUpMayFinish.countDown(); // the server answered 503; now let it get ready
              }
            });

    Fleet fleet =
        new ServerStartupWorkflow(startup, runtime)
            .run(List.of(new ServerSpec("slow", 0, SMALL_SIEVE)));

    Health health = fleet.servers().get(0);
    assertTrue(notReady.get() >= 1);
    assertTrue(health.healthRequests() >= 2, health.toString());
    assertEquals(ServerStartup.PRIMES_BELOW_PROBE, health.primesBelowProbe());
  }

  @Test
  void aPortThatIsTaken_isTriedAgainOnceItIsFree() throws Exception {
    ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    int port = squatter.getLocalPort();
    AtomicInteger bindFailures = new AtomicInteger();
    WorkflowRuntime runtime =
        onRetry(
            "start",
            failure -> {
              if (failure instanceof BindException) {
                bindFailures.incrementAndGet();
                try {
                  squatter.close(); // the previous owner of the port goes away
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    startup = new ServerStartup();

    Fleet fleet =
        new ServerStartupWorkflow(startup, runtime)
            .run(List.of(new ServerSpec("fixed-port", port, SMALL_SIEVE)));

    assertEquals(1, bindFailures.get());
    assertEquals(port, fleet.servers().get(0).port());
    assertEquals(200, get(port, "/health").statusCode());
  }

  @Test
  void whenAServerCannotStart_theRunFails_andTheOthersAreStopped() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      startup = new ServerStartup();
      List<ServerSpec> specs =
          List.of(
              new ServerSpec("ok-1", 0, SMALL_SIEVE),
              new ServerSpec("blocked", squatter.getLocalPort(), SMALL_SIEVE),
              new ServerSpec("ok-2", 0, SMALL_SIEVE));

      WorkflowException e =
          assertThrows(
              WorkflowException.class, () -> new ServerStartupWorkflow(startup).run(specs));

      assertEquals("start", e.step());
      assertEquals(3, e.attempts());
      assertInstanceOf(BindException.class, e.getCause());
      // The others may or may not have started before the failure cancelled them.
      List<RunningServer.Stopped> stopped = startup.stopAll();
      for (RunningServer.Stopped s : stopped) {
        assertTrue(s.refusesConnections(), s.toString());
        assertTrue(s.threadsEnded(), s.toString());
      }
      assertEquals(List.of(), startup.running());
    }
  }

  @Test
  void aPlanWithTheSameNameTwice_isRejected() {
    startup = new ServerStartup();
    List<ServerSpec> specs =
        List.of(new ServerSpec("x", 0, SMALL_SIEVE), new ServerSpec("x", 0, SMALL_SIEVE));

    WorkflowException e =
        assertThrows(WorkflowException.class, () -> new ServerStartupWorkflow(startup).run(specs));

    assertEquals("plan", e.step());
    assertEquals(List.of(), startup.running());
  }

  @Test
  void mainServers_printsEveryServerAndStopsThemAll() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Main.run(
            List.of("servers", "2"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String output = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, output + err);
    assertTrue(output.contains("server-1"), output);
    assertTrue(output.contains("server-2"), output);
    assertTrue(output.contains("78,498  right"), output);
    assertTrue(
        output.contains("Stopped 2 servers in")
            && output.contains("every port refuses connections, every server thread ended"),
        output);
    assertTrue(output.contains("check #2"), output);
  }
}
