package dev.naturalness.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.naturalness.model.Student;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.text.TokenizedText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the job's own scorer makes of a student, written out for an independent engine to be held
 * against (src/main/python/compare_llama_cpp.py):
 *
 * <ul>
 *   <li>{@code tokens STUDENT IN OUT}: for each {@code {"text", "special"}} line, the ids the job's
 *       tokenizer gives (with special tokens when {@code special} is true, as a prompt is
 *       tokenized; without them, as a response is);
 *   <li>{@code logprobs STUDENT IN OUT}: for each {@code {"ids"}} line, the log-probability of each
 *       next id as the scorer computes it ({@code TorchScriptStudent.nextTokenLogProbs}, one
 *       sequence a batch, plain causal mask), and the id the same forward pass ranks first.
 * </ul>
 *
 * Run with {@code submit/benchmark.sh}'s classpath: {@code java -cp ...
 * dev.naturalness.bench.StudentProbe tokens DIR in.jsonl out.jsonl}.
 */
public final class StudentProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StudentProbe() {}

  public static void main(String[] argv) throws IOException, MalformedModelException {
    if (argv.length != 4 || !(argv[0].equals("tokens") || argv[0].equals("logprobs"))) {
      System.err.println("usage: StudentProbe tokens|logprobs STUDENT_DIR IN.jsonl OUT.jsonl");
      System.exit(2);
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Path in = Path.of(argv[2]);
    Path out = Path.of(argv[3]);
    try (Student student = Student.load(Path.of(argv[1]), Device.cpu());
        BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8);
        Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      Model top = argv[0].equals("logprobs") ? loadAgain(Path.of(argv[1])) : null;
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode row = JSON.readTree(line);
          ObjectNode result = JSON.createObjectNode();
          if (top == null) {
            TokenizedText tokens =
                student
                    .tokenizer()
                    .encode(row.get("text").asText(), row.path("special").asBoolean());
            result.set("ids", JSON.valueToTree(tokens.ids()));
          } else {
            long[] ids = JSON.convertValue(row.get("ids"), long[].class);
            result.set("logprobs", JSON.valueToTree(student.model().nextTokenLogProbs(plain(ids))));
            result.set("top1", JSON.valueToTree(topIds(top, ids)));
          }
          writer.write(JSON.writeValueAsString(result));
          writer.write('\n');
        }
      } finally {
        if (top != null) {
          top.close();
        }
      }
    }
  }

  /** One sequence in one row: one block, positions from 0. */
  private static PackedBatch plain(long[] ids) {
    int n = ids.length;
    long[] positions = new long[n];
    for (int i = 0; i < n; i++) {
      positions[i] = i;
    }
    return new PackedBatch(
        1,
        n,
        ids,
        positions,
        new int[n],
        new PackedBatch.Placement[] {new PackedBatch.Placement(0, 0, 0, n)});
  }

  /** The same model.pt loaded through DJL directly, for the argmax the scorer never needs. */
  private static Model loadAgain(Path directory) throws IOException, MalformedModelException {
    Model model = Model.newInstance("probe", Device.cpu(), "PyTorch");
    model.load(directory, "model", Map.of("mapLocation", "true"));
    return model;
  }

  private static long[] topIds(Model model, long[] ids) {
    int n = ids.length;
    try (NDManager scope = model.getNDManager().newSubManager()) {
      long[] positions = new long[n];
      for (int i = 0; i < n; i++) {
        positions[i] = i;
      }
      NDArray input = scope.create(ids, new Shape(1, n));
      NDArray pos = scope.create(positions, new Shape(1, n));
      NDArray causal = pos.expandDims(2).gte(pos.expandDims(1)).expandDims(1);
      NDList out =
          model
              .getBlock()
              .forward(new ParameterStore(scope, false), new NDList(input, pos, causal), false);
      return out.get(0).toType(DataType.FLOAT32, false).argMax(2).toLongArray();
    }
  }
}
