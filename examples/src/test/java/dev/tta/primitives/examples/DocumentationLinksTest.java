package dev.tta.primitives.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the README and in {@code docs/} points at a file of the repository (and,
 * with an anchor, at a heading of that page): users read these pages on the repository's web view
 * and in a clone, where a link out of the repository or to a renamed section is dead.
 */
class DocumentationLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$");

  @Test
  void everyRelativeLinkReachesAFileOfTheRepositoryAndItsHeading() throws IOException {
    Path root = repositoryRoot();
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 3, "found the pages: " + pages);

    List<String> dead = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(page)) {
        if (target.matches("[a-z]+:.*")) {
          continue; // http(s), mailto: not ours to check here
        }
        checked++;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        String where = root.relativize(page) + ": (" + target + ")";
        if (!resolved.startsWith(root)) {
          dead.add(where + " leaves the repository");
        } else if (!Files.exists(resolved)) {
          dead.add(where + " names no file");
        } else if (anchor != null
            && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(anchor)) {
          dead.add(where + " names no heading of " + root.relativize(resolved));
        }
      }
    }
    assertTrue(checked > 10, "checked " + checked + " links");
    assertTrue(dead.isEmpty(), "dead links:\n" + String.join("\n", dead));
  }

  @Test
  void noPageMentionsTheTeamsOwnNotes() throws IOException {
    Path root = repositoryRoot();
    assertFalse(
        Files.readString(root.resolve("README.md")).contains("../shared"),
        "README.md links to ../shared");
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      for (Path page : (Iterable<Path>) docs::iterator) {
        assertFalse(Files.readString(page).contains("../shared"), page + " links to ../shared");
      }
    }
  }

  private static List<String> links(Path page) throws IOException {
    List<String> found = new ArrayList<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(page)) {
      if (line.startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      if (inCode) {
        continue;
      }
      Matcher m = LINK.matcher(line);
      while (m.find()) {
        found.add(m.group(1));
      }
    }
    return found;
  }

  /** The anchors a Markdown renderer gives the page's headings. */
  private static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new HashSet<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(page)) {
      if (line.startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!inCode && m.matches()) {
        anchors.add(
            m.group(1)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
    }
    throw new AssertionError(
        "no README.md with a docs/ folder above " + Path.of("").toAbsolutePath());
  }
}
