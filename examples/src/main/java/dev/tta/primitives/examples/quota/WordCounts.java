package dev.tta.primitives.examples.quota;

import dev.tta.primitives.CircuitOpenException;
import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.RateLimit;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the words of files through a metered HTTP API ({@link WordCountServer}): its quota is four
 * requests a second, and it goes down for a while.
 *
 * <ul>
 *   <li>{@code @RateLimit} keeps the calls within the quota: a call beyond it waits for its permit
 *       on the runtime's scheduler, so the API never has to refuse one;
 *   <li>{@code @CircuitBreaker} stops calling once half of the latest calls failed with an outage
 *       answer, so retries fail at once instead of hitting a server that is down, and lets one
 *       trial call through a second later;
 *   <li>{@code @Retry} (outside the breaker) tries again every 300 ms, the breaker's refusals
 *       included ({@code retryOn} names {@link CircuitOpenException}), until the API is back.
 * </ul>
 */
@Workflow
public class WordCounts {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI api;
  private final int limit;
  private final AtomicInteger requests = new AtomicInteger();

  /**
   * Counts through {@code api}.
   *
   * @param api the API's address
   * @param limit how many files to count at most
   */
  public WordCounts(URI api, int limit) {
    this.api = api;
    this.limit = limit;
  }

  /**
   * The first {@code limit} regular files under {@code dir}, in path order, leaving out build
   * output and hidden directories.
   *
   * @param dir the directory
   * @return the files
   * @throws IOException if the tree cannot be read
   */
  @Step
  List<Path> files(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> !skipped(dir.relativize(p)))
          .sorted()
          .limit(limit)
          .toList();
    }
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.equals("target") || (name.startsWith(".") && name.length() > 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The words of {@code file}, counted by the API.
   *
   * @param file the file
   * @return the API's count, and the count made here to check it
   * @throws IOException if the API cannot be reached or answers an error
   * @throws InterruptedException if the call is cancelled
   */
  @Parallel(forEach = true, maxConcurrency = 4)
  @Retry(
      max = 12,
      delay = "300ms",
      backoff = 1.0,
      jitter = 0.0,
      retryOn = {IOException.class, CircuitOpenException.class})
  @CircuitBreaker(
      window = 4,
      minimumCalls = 2,
      failureRate = 0.5,
      openFor = "1s",
      halfOpenCalls = 1,
      failOn = BackendUnavailableException.class)
  @RateLimit(permits = 4, per = "1s")
  @Timeout("10s")
  Count count(Path file) throws IOException, InterruptedException {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    requests.incrementAndGet();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(api)
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.ISO_8859_1))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 503) {
      throw new BackendUnavailableException(file + ": " + response.body());
    }
    if (response.statusCode() != 200) {
      throw new IOException(file + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return new Count(file, Integer.parseInt(response.body().strip()), WordCountServer.words(text));
  }

  /**
   * The counts, in file order.
   *
   * @param counts one per file
   * @return the report
   */
  @Step
  Report report(List<Count> counts) {
    return new Report(counts);
  }

  /**
   * How many requests this object sent to the API (each call of the step that reached it).
   *
   * @return the requests sent
   */
  public int requestsSent() {
    return requests.get();
  }

  /**
   * One file's count.
   *
   * @param file the file
   * @param words the words the API counted
   * @param checked the words counted here
   */
  public record Count(Path file, int words, int checked) {
    /** Whether the API counted right. */
    public boolean right() {
      return words == checked;
    }
  }

  /**
   * The counts.
   *
   * @param counts one per file, in file order
   */
  public record Report(List<Count> counts) {
    /** Whether every count is right. */
    public boolean allRight() {
      return counts.stream().allMatch(Count::right);
    }
  }
}
