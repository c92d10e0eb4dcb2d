package dev.naturalness.data;

import java.io.Serializable;

/** Why a row has no score: its status and a one-line reason. */
public record RowProblem(RowStatus status, String reason) implements Serializable {
  public RowProblem {
    if (status == RowStatus.OK) {
      throw new IllegalArgumentException("a problem cannot have status ok");
    }
    reason = reason.replace('\n', ' ');
  }
}
