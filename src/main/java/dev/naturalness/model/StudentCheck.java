package dev.naturalness.model;

import dev.naturalness.data.Messages;
import dev.naturalness.scoring.ModelContractException;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.text.PromptTemplate;
import java.util.Arrays;

/**
 * Proves a loaded student can work before any data reaches it: its tokenizer encodes a short check
 * text, and its model returns finite log-probs of shape [rows, tokens, vocab-size] for the first
 * few of those tokens. A student that fails says so in one line, before the job starts.
 */
public final class StudentCheck {
  /** Tokens the check runs: enough to see a shape, few enough for any model on any CPU. */
  static final int TOKENS = 8;

  private StudentCheck() {}

  public static void verify(Student student) {
    StudentManifest m = student.manifest();
    long[] prefix;
    long[] response;
    try {
      prefix =
          student
              .tokenizer()
              .encode(new PromptTemplate(m.promptTemplate()).render("What is 2 + 3?"), true)
              .ids();
      response = student.tokenizer().encode("2 + 3 = 5. The answer is 5.", false).ids();
    } catch (RuntimeException e) {
      throw new StudentException(m.tokenizerPath() + " cannot encode text: " + e.getMessage(), e);
    }
    long[] all = Arrays.copyOf(prefix, prefix.length + response.length);
    System.arraycopy(response, 0, all, prefix.length, response.length);
    int n = Math.min(TOKENS, all.length);
    if (n < 2) {
      throw new StudentException(
          m.tokenizerPath() + " encodes the check text into " + n + " tokens");
    }
    float[] logProbs;
    try {
      logProbs = student.model().nextTokenLogProbs(oneRow(Arrays.copyOf(all, n)));
    } catch (ModelContractException e) {
      throw new StudentException("student " + m.directory() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StudentException(
          "student "
              + m.directory()
              + ": model.pt fails on a check of "
              + n
              + " tokens: "
              + Messages.firstLine(e.getMessage()),
          e);
    }
    for (int t = 0; t < n - 1; t++) {
      if (!Float.isFinite(logProbs[t])) {
        throw new StudentException(
            "student "
                + m.directory()
                + ": model.pt returns non-finite log-probs ("
                + logProbs[t]
                + ") on a check of "
                + n
                + " tokens");
      }
    }
  }

  private static PackedBatch oneRow(long[] ids) {
    long[] positions = new long[ids.length];
    for (int t = 0; t < ids.length; t++) {
      positions[t] = t;
    }
    return new PackedBatch(
        1,
        ids.length,
        ids,
        positions,
        new int[ids.length],
        new PackedBatch.Placement[] {new PackedBatch.Placement(0, 0, 0, ids.length)});
  }
}
