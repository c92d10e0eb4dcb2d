package dev.naturalness.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.naturalness.model.TorchScriptStudent;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.TokenLogProbModel;

/**
 * The student with its device work taken out, for measuring the host side: each batch's arrays are
 * copied in as the student copies them, and a log-prob array that is ready at once (zeros) is read
 * back as the student reads its own. What the scorer does around it is then all host work.
 */
final class HostSideModel implements TokenLogProbModel, AutoCloseable {
  private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  private long copyInNanos;
  private long readBackNanos;

  @Override
  public float[] nextTokenLogProbs(PackedBatch batch) {
    try (NDManager scope = manager.newSubManager()) {
      long started = System.nanoTime();
      TorchScriptStudent.BatchArrays.copyIn(scope, batch);
      long copied = System.nanoTime();
      float[] out =
          scope
              .zeros(new Shape((long) batch.rows() * batch.length()), DataType.FLOAT32)
              .toFloatArray();
      copyInNanos += copied - started;
      readBackNanos += System.nanoTime() - copied;
      return out;
    }
  }

  double copyInSeconds() {
    return copyInNanos / 1e9;
  }

  double readBackSeconds() {
    return readBackNanos / 1e9;
  }

  @Override
  public void close() {
    manager.close();
  }
}
