package dev.naturalness.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.naturalness.data.Messages;
import dev.naturalness.scoring.ModelContractException;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.TokenLogProbModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The TorchScript student through DJL's PyTorch engine: forward(input_ids int64[B,T], position_ids
 * int64[B,T], attention_mask bool[B,1,T,T]) -> logits.
 *
 * <p>Every batch lives in its own NDManager scope; log-softmax and the gather of the target ids run
 * on the model's device in float32, in chunks of positions, so only a [rows x length] float array
 * comes back to the host and no [tokens x vocabulary] array is ever built at once beyond the
 * model's own logits.
 */
public final class TorchScriptStudent implements TokenLogProbModel, AutoCloseable {
  /** Bytes of float32 log-softmax work per chunk. */
  private static final long CHUNK_BYTES = 64L << 20;

  private final Model model;
  private final Device device;
  private final int vocabSize;

  private TorchScriptStudent(Model model, Device device, int vocabSize) {
    this.model = model;
    this.device = device;
    this.vocabSize = vocabSize;
  }

  /** Loads model.pt after checking its sha256 against the manifest. */
  public static TorchScriptStudent load(StudentManifest manifest, Device device) {
    manifest.verifyModelSha256();
    Model model = Model.newInstance(manifest.name(), device, "PyTorch");
    try {
      model.load(Path.of(manifest.directory()), "model", Map.of("mapLocation", "true"));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new StudentException(
          manifest.modelPath()
              + " cannot be loaded as TorchScript: "
              + Messages.firstLine(e.getMessage()),
          e);
    }
    return new TorchScriptStudent(model, device, manifest.vocabSize());
  }

  public Device device() {
    return device;
  }

  /**
   * Forward passes are serialised: a student is one device, and on the CPU one pass already uses
   * all of libtorch's intra-op threads.
   */
  @Override
  public synchronized float[] nextTokenLogProbs(PackedBatch batch) {
    int rows = batch.rows();
    int length = batch.length();
    try (NDManager scope = model.getNDManager().newSubManager()) {
      BatchArrays arrays = BatchArrays.copyIn(scope, batch);
      NDList out =
          model.getBlock().forward(new ParameterStore(scope, false), inputs(arrays), false);
      NDArray logits = out.get(0);
      long vocab = checkShape(logits.getShape(), rows, length);
      int positionsTotal = rows * length;
      NDArray flat = logits.reshape(positionsTotal, vocab);
      NDArray next = arrays.nextIds();
      float[] result = new float[positionsTotal];
      int chunk = (int) Math.max(1, Math.min(positionsTotal, CHUNK_BYTES / (vocab * 4)));
      for (int from = 0; from < positionsTotal; from += chunk) {
        int to = Math.min(positionsTotal, from + chunk);
        try (NDManager part = scope.newSubManager()) {
          NDIndex range = new NDIndex(from + ":" + to);
          NDArray logProbs = flat.get(part, range).toType(DataType.FLOAT32, false).logSoftmax(1);
          float[] picked = logProbs.gather(next.get(part, range), 1).toFloatArray();
          System.arraycopy(picked, 0, result, from, to - from);
        }
      }
      return result;
    }
  }

  /**
   * The logits' vocabulary size, after checking the contract: [rows, length, vocab-size]. A model
   * that breaks it cannot score anything, so this is no per-batch failure.
   */
  private long checkShape(Shape shape, int rows, int length) {
    Shape expected = new Shape(rows, length, vocabSize);
    if (shape.dimension() != 3 || shape.get(0) != rows || shape.get(1) != length) {
      throw new ModelContractException(
          "model.pt returns logits of shape "
              + shape
              + " for input_ids of shape "
              + new Shape(rows, length)
              + "; expected "
              + expected
              + " (rows, tokens, vocab-size)");
    }
    if (shape.get(2) != vocabSize) {
      throw new ModelContractException(
          "model.pt returns "
              + shape.get(2)
              + " logits per token but student.conf says vocab-size "
              + vocabSize
              + "; expected shape "
              + expected);
    }
    return vocabSize;
  }

  /**
   * The bare forward pass on a batch, its logits dropped: the limit that benchmarks compare with.
   */
  public synchronized void forwardOnly(PackedBatch batch) {
    try (NDManager scope = model.getNDManager().newSubManager()) {
      model
          .getBlock()
          .forward(
              new ParameterStore(scope, false), inputs(BatchArrays.copyIn(scope, batch)), false);
    }
  }

  /**
   * A batch's arrays as they are copied to the model's device: [rows, length] ids, positions, block
   * numbers (and shared blocks, null when no position sees one), and the next ids the log-probs are
   * gathered at. Only these cross from the host; the [rows, 1, length, length] mask is made from
   * them on the device.
   */
  public record BatchArrays(
      NDArray ids, NDArray positions, NDArray blocks, NDArray sharedBlocks, NDArray nextIds) {
    public static BatchArrays copyIn(NDManager scope, PackedBatch batch) {
      Shape shape = new Shape(batch.rows(), batch.length());
      boolean anyShared = false;
      for (int b : batch.sharedBlocks()) {
        if (b >= 0) {
          anyShared = true;
          break;
        }
      }
      return new BatchArrays(
          scope.create(batch.ids(), shape),
          scope.create(batch.positions(), shape),
          scope.create(batch.blocks(), shape),
          anyShared ? scope.create(batch.sharedBlocks(), shape) : null,
          scope.create(batch.nextIds(), new Shape((long) batch.rows() * batch.length(), 1)));
    }
  }

  /**
   * input_ids, position_ids and the mask, made on the model's device: q may attend to k when k's
   * block is q's own or the shared one q sees, and k's position is not after q's.
   */
  private static NDList inputs(BatchArrays a) {
    NDArray keyBlocks = a.blocks().expandDims(1);
    NDArray visible = a.blocks().expandDims(2).eq(keyBlocks);
    if (a.sharedBlocks() != null) {
      visible = visible.logicalOr(a.sharedBlocks().expandDims(2).eq(keyBlocks));
    }
    NDArray causal = a.positions().expandDims(2).gte(a.positions().expandDims(1));
    return new NDList(a.ids(), a.positions(), visible.logicalAnd(causal).expandDims(1));
  }

  @Override
  public void close() {
    model.close();
  }
}
