package dev.naturalness.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs sequences into rows and rows into batches. With packing, sequences are placed longest
 * first into the row with the least room that still fits them (best fit decreasing), rows being
 * {@code rowTokens} long or as long as the longest sequence if that is longer. Rows are then sorted
 * by length and cut into batches where rows x longest row stays within {@code batchTokens}.
 */
public final class Packer {
  private final ScoringOptions options;

  public Packer(ScoringOptions options) {
    this.options = options;
  }

  public List<PackedBatch> pack(List<long[]> sequences) {
    List<List<Integer>> rows = options.pack() ? packRows(sequences) : oneSequencePerRow(sequences);
    int[] rowLength = new int[rows.size()];
    Integer[] order = new Integer[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      order[r] = r;
      for (int s : rows.get(r)) {
        rowLength[r] += sequences.get(s).length;
      }
    }
    Arrays.sort(order, Comparator.comparingInt((Integer r) -> rowLength[r]).reversed());
    List<PackedBatch> batches = new ArrayList<>();
    int from = 0;
    while (from < order.length) {
      int longest = rowLength[order[from]];
      int to = from + 1;
      while (to < order.length && (long) (to - from + 1) * longest <= options.batchTokens()) {
        to++;
      }
      List<List<Integer>> batchRows = new ArrayList<>();
      for (int i = from; i < to; i++) {
        batchRows.add(rows.get(order[i]));
      }
      batches.add(build(sequences, batchRows, longest));
      from = to;
    }
    return batches;
  }

  private static List<List<Integer>> oneSequencePerRow(List<long[]> sequences) {
    List<List<Integer>> rows = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      if (sequences.get(s).length > 0) {
        rows.add(List.of(s));
      }
    }
    return rows;
  }

  private List<List<Integer>> packRows(List<long[]> sequences) {
    Integer[] bySize = new Integer[sequences.size()];
    int longest = 0;
    for (int s = 0; s < bySize.length; s++) {
      bySize[s] = s;
      longest = Math.max(longest, sequences.get(s).length);
    }
    Arrays.sort(bySize, Comparator.comparingInt((Integer s) -> sequences.get(s).length).reversed());
    int capacity = Math.max(Math.min(options.rowTokens(), options.batchTokens()), 1);
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> room = new ArrayList<>();
    // room left -> rows with that much room
    TreeMap<Integer, List<Integer>> byRoom = new TreeMap<>();
    for (int s : bySize) {
      int size = sequences.get(s).length;
      if (size == 0) {
        continue;
      }
      Map.Entry<Integer, List<Integer>> fit = byRoom.ceilingEntry(size);
      if (size >= capacity || fit == null) {
        rows.add(new ArrayList<>(List.of(s)));
        room.add(Math.max(capacity - size, 0));
        addRoom(byRoom, room.get(rows.size() - 1), rows.size() - 1);
        continue;
      }
      int row = fit.getValue().remove(fit.getValue().size() - 1);
      if (fit.getValue().isEmpty()) {
        byRoom.remove(fit.getKey());
      }
      rows.get(row).add(s);
      room.set(row, fit.getKey() - size);
      addRoom(byRoom, room.get(row), row);
    }
    return rows;
  }

  private static void addRoom(TreeMap<Integer, List<Integer>> byRoom, int room, int row) {
    if (room > 0) {
      byRoom.computeIfAbsent(room, r -> new ArrayList<>()).add(row);
    }
  }

  private static PackedBatch build(List<long[]> sequences, List<List<Integer>> rows, int length) {
    int n = rows.size() * length;
    long[] ids = new long[n];
    long[] positions = new long[n];
    int[] blocks = new int[n];
    List<PackedBatch.Placement> placements = new ArrayList<>();
    int block = 0;
    for (int r = 0; r < rows.size(); r++) {
      int offset = 0;
      for (int s : rows.get(r)) {
        long[] seq = sequences.get(s);
        int base = r * length + offset;
        System.arraycopy(seq, 0, ids, base, seq.length);
        for (int t = 0; t < seq.length; t++) {
          positions[base + t] = t;
          blocks[base + t] = block;
        }
        placements.add(new PackedBatch.Placement(s, r, offset, seq.length));
        offset += seq.length;
        block++;
      }
      for (int t = offset; t < length; t++) {
        blocks[r * length + t] = block++; // padding attends to itself only
      }
    }
    return new PackedBatch(rows.size(), length, ids, positions, blocks, placements.toArray(new PackedBatch.Placement[0]));
  }
}
