package demo;

import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.util.List;

/**
 * The workflow that scripts/javac-example.sh builds with plain javac (the same one as the
 * processor's PlainJavacTest): split a text into words, then count them and find the longest one
 * in parallel.
 */
@Workflow
public class WordStats {
  @Step
  List<String> words(String text) {
    return List.of(text.split(" "));
  }

  @Parallel
  int count(List<String> words) {
    return words.size();
  }

  @Parallel
  String longest(List<String> words) {
    return words.stream().reduce("", (a, b) -> b.length() > a.length() ? b : a);
  }

  /**
   * Runs the workflow on its first argument and prints the word count and the longest word.
   *
   * @param args the text, as one argument
   */
  public static void main(String[] args) {
    WordStatsWorkflow.Output out = new WordStatsWorkflow(new WordStats()).run(args[0]);
    System.out.println(out.count() + " " + out.longest());
  }
}
