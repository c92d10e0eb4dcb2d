package dev.naturalness.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * The sequences of several responses' plans in one list, as the packer takes them.
 *
 * @param sequences every plan's sequences, plan after plan
 * @param firstSequence per plan, the index of its first sequence
 * @param sharedGroup per sequence, its plan's index when it starts with that response's whole
 *     prompt (sequences of one group share it), else -1
 * @param sharedPrefix per sequence, the length of that prompt (0: none)
 */
public record PlannedSequences(
    List<long[]> sequences, int[] firstSequence, int[] sharedGroup, int[] sharedPrefix) {

  public static PlannedSequences of(List<ResponsePlan> plans) {
    List<long[]> sequences = new ArrayList<>();
    int[] firstSequence = new int[plans.size()];
    for (int r = 0; r < plans.size(); r++) {
      firstSequence[r] = sequences.size();
      sequences.addAll(plans.get(r).sequences());
    }
    int[] sharedGroup = new int[sequences.size()];
    int[] sharedPrefix = new int[sequences.size()];
    for (int r = 0; r < plans.size(); r++) {
      int[] shared = plans.get(r).sharedPrefix();
      for (int s = 0; s < shared.length; s++) {
        sharedGroup[firstSequence[r] + s] = shared[s] > 0 ? r : -1;
        sharedPrefix[firstSequence[r] + s] = shared[s];
      }
    }
    return new PlannedSequences(sequences, firstSequence, sharedGroup, sharedPrefix);
  }
}
