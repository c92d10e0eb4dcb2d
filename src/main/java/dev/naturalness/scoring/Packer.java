package dev.naturalness.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs sequences into rows and rows into batches. With packing, sequences that start with the same
 * prompt are first gathered into units that hold the prompt once (see {@link PackedBatch}); units
 * are then placed longest first into the row with the least room that still fits them (best fit
 * decreasing), rows being {@code rowTokens} long or as long as the longest unit if that is longer.
 * Rows are sorted by length and cut into batches where rows x longest row stays within {@code
 * batchTokens}.
 */
public final class Packer {
  private final ScoringOptions options;

  /**
   * What one stretch of a row holds: a shared prompt (or null) and the sequences placed after it.
   */
  private record Unit(long[] shared, List<Part> parts, int length) {}

  /** Sequence {@code sequence} from token {@code skip} on. */
  private record Part(int sequence, int skip) {}

  public Packer(ScoringOptions options) {
    this.options = options;
  }

  /** Packs sequences that share nothing. */
  public List<PackedBatch> pack(List<long[]> sequences) {
    return pack(sequences, null, null);
  }

  /**
   * Packs sequences; those with the same {@code sharedGroup} (>= 0) start with the same {@code
   * sharedPrefix} tokens, which packing computes once per unit. Null arrays: none share.
   */
  public List<PackedBatch> pack(List<long[]> sequences, int[] sharedGroup, int[] sharedPrefix) {
    int capacity = Math.max(Math.min(options.rowTokens(), options.batchTokens()), 1);
    List<Unit> units =
        options.pack()
            ? units(sequences, sharedGroup, sharedPrefix, capacity)
            : plainUnits(sequences, null);
    List<List<Unit>> rows =
        options.pack() ? packRows(units, capacity) : units.stream().map(List::of).toList();
    int[] rowLength = new int[rows.size()];
    Integer[] order = new Integer[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      order[r] = r;
      for (Unit u : rows.get(r)) {
        rowLength[r] += u.length();
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
      List<List<Unit>> batchRows = new ArrayList<>();
      for (int i = from; i < to; i++) {
        batchRows.add(rows.get(order[i]));
      }
      batches.add(build(sequences, batchRows, longest));
      from = to;
    }
    return batches;
  }

  private static List<Unit> plainUnits(List<long[]> sequences, boolean[] taken) {
    List<Unit> units = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      if (sequences.get(s).length > 0 && (taken == null || !taken[s])) {
        units.add(new Unit(null, List.of(new Part(s, 0)), sequences.get(s).length));
      }
    }
    return units;
  }

  /**
   * Each group's sequences, longest first, go into the first of its units with room: a unit holds
   * the shared prompt but its last token once, then each sequence from that token on, and is at
   * most a row long (or its longest sequence, if that is longer). A unit left with one sequence is
   * that sequence alone.
   */
  private static List<Unit> units(
      List<long[]> sequences, int[] sharedGroup, int[] sharedPrefix, int capacity) {
    if (sharedGroup == null) {
      return plainUnits(sequences, null);
    }
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int s = 0; s < sequences.size(); s++) {
      if (sharedGroup[s] >= 0
          && sharedPrefix[s] >= 2
          && sequences.get(s).length >= sharedPrefix[s]) {
        groups.computeIfAbsent(sharedGroup[s], g -> new ArrayList<>()).add(s);
      }
    }
    boolean[] taken = new boolean[sequences.size()];
    List<Unit> units = new ArrayList<>();
    for (List<Integer> members : groups.values()) {
      if (members.size() < 2) {
        continue;
      }
      int skip = sharedPrefix[members.get(0)] - 1;
      members.sort(Comparator.comparingInt((Integer s) -> sequences.get(s).length).reversed());
      List<List<Part>> open = new ArrayList<>();
      List<int[]> lengthAndCap = new ArrayList<>();
      for (int s : members) {
        int own = sequences.get(s).length - skip;
        int fit = -1;
        for (int u = 0; u < open.size() && fit < 0; u++) {
          if (lengthAndCap.get(u)[0] + own <= lengthAndCap.get(u)[1]) {
            fit = u;
          }
        }
        if (fit < 0) {
          open.add(new ArrayList<>());
          lengthAndCap.add(new int[] {skip, Math.max(capacity, skip + own)});
          fit = open.size() - 1;
        }
        open.get(fit).add(new Part(s, skip));
        lengthAndCap.get(fit)[0] += own;
      }
      long[] shared = Arrays.copyOf(sequences.get(members.get(0)), skip);
      for (int u = 0; u < open.size(); u++) {
        if (open.get(u).size() > 1) {
          units.add(new Unit(shared, open.get(u), lengthAndCap.get(u)[0]));
          for (Part p : open.get(u)) {
            taken[p.sequence()] = true;
          }
        }
      }
    }
    units.addAll(plainUnits(sequences, taken));
    return units;
  }

  private static List<List<Unit>> packRows(List<Unit> units, int capacity) {
    List<Unit> bySize = new ArrayList<>(units);
    bySize.sort(Comparator.comparingInt(Unit::length).reversed());
    List<List<Unit>> rows = new ArrayList<>();
    List<Integer> room = new ArrayList<>();
    // room left -> rows with that much room
    TreeMap<Integer, List<Integer>> byRoom = new TreeMap<>();
    for (Unit unit : bySize) {
      int size = unit.length();
      Map.Entry<Integer, List<Integer>> fit = byRoom.ceilingEntry(size);
      if (size >= capacity || fit == null) {
        rows.add(new ArrayList<>(List.of(unit)));
        room.add(Math.max(capacity - size, 0));
        addRoom(byRoom, room.get(rows.size() - 1), rows.size() - 1);
        continue;
      }
      int row = fit.getValue().remove(fit.getValue().size() - 1);
      if (fit.getValue().isEmpty()) {
        byRoom.remove(fit.getKey());
      }
      rows.get(row).add(unit);
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

  private static PackedBatch build(List<long[]> sequences, List<List<Unit>> rows, int length) {
    int n = rows.size() * length;
    long[] ids = new long[n];
    long[] positions = new long[n];
    int[] blocks = new int[n];
    int[] sharedBlocks = new int[n];
    Arrays.fill(sharedBlocks, -1);
    List<PackedBatch.Placement> placements = new ArrayList<>();
    long useful = 0;
    int block = 0;
    for (int r = 0; r < rows.size(); r++) {
      int offset = 0;
      for (Unit unit : rows.get(r)) {
        int sharedBlock = -1;
        if (unit.shared() != null) {
          sharedBlock = block++;
          place(unit.shared(), 0, ids, positions, blocks, r * length + offset, sharedBlock);
          offset += unit.shared().length;
        }
        for (Part part : unit.parts()) {
          long[] seq = sequences.get(part.sequence());
          int base = r * length + offset;
          int size = seq.length - part.skip();
          place(seq, part.skip(), ids, positions, blocks, base, block);
          Arrays.fill(sharedBlocks, base, base + size, sharedBlock);
          placements.add(new PackedBatch.Placement(part.sequence(), r, offset, size, part.skip()));
          offset += size;
          block++;
        }
      }
      useful += offset;
      for (int t = offset; t < length; t++) {
        blocks[r * length + t] = block++; // padding attends to itself only
      }
    }
    return new PackedBatch(
        rows.size(),
        length,
        ids,
        positions,
        blocks,
        sharedBlocks,
        placements.toArray(new PackedBatch.Placement[0]),
        useful);
  }

  /** Tokens from..end of seq at cell base on, positions from {@code from}, all in one block. */
  private static void place(
      long[] seq, int from, long[] ids, long[] positions, int[] blocks, int base, int block) {
    System.arraycopy(seq, from, ids, base, seq.length - from);
    for (int t = from; t < seq.length; t++) {
      positions[base + t - from] = t;
      blocks[base + t - from] = block;
    }
  }
}
