package dev.naturalness.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs sequences into rows and rows into batches, deciding only where each sequence goes: the
 * tokens are copied into a batch's arrays when that batch is about to run ({@link #build}), so
 * planning a response with thousands of steps never holds all its batches at once.
 *
 * <p>With packing, sequences that start with the same prompt are first gathered into units that
 * hold the prompt once (see {@link PackedBatch}); units are then placed longest first into the row
 * with the least room that still fits them (best fit decreasing), rows being the unit capacity long
 * or as long as the longest unit if that is longer. Rows are sorted by length and cut into batches
 * where rows x longest row stays within the batch budget.
 */
public final class Packer {
  private final Execution execution;

  /**
   * A sequence to place: its length, and the shared-prompt group it belongs to (-1: none) and that
   * prompt's length.
   */
  public record Sequence(int length, int sharedGroup, int sharedPrefix) {}

  /**
   * Tokens [skip, skip + size) of sequence {@code sequence} ({@code skip} > 0: after a shared
   * prompt).
   */
  public record Part(int sequence, int skip, int size) {}

  /**
   * One stretch of a row: a shared prompt (the first {@code sharedLength} tokens of {@code
   * sharedFrom}, or none) and the parts after it.
   */
  public record Unit(int sharedFrom, int sharedLength, List<Part> parts, int length) {}

  /** One forward pass to be: rows of units, each row padded to {@code length}. */
  public record Layout(int length, List<List<Unit>> rows) {
    /** The sequences placed in this layout. */
    public List<Integer> sequences() {
      List<Integer> out = new ArrayList<>();
      for (List<Unit> row : rows) {
        for (Unit u : row) {
          for (Part p : u.parts()) {
            out.add(p.sequence());
          }
        }
      }
      return out;
    }
  }

  /** Where a layout's tokens come from. */
  public interface Tokens {
    /** Copies tokens [from, to) of sequence {@code sequence} into {@code dst} at {@code at}. */
    void copy(int sequence, int from, int to, long[] dst, int at);
  }

  public Packer(Execution execution) {
    this.execution = execution;
  }

  /** The layouts of the given sequences (empty ones are skipped), longest rows first. */
  public List<Layout> layout(List<Sequence> sequences) {
    int capacity = execution.unitCapacity();
    List<Unit> units = execution.pack() ? units(sequences, capacity) : plainUnits(sequences, null);
    List<List<Unit>> rows =
        execution.pack() ? packRows(units, capacity) : units.stream().map(List::of).toList();
    int[] rowLength = new int[rows.size()];
    Integer[] order = new Integer[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      order[r] = r;
      for (Unit u : rows.get(r)) {
        rowLength[r] += u.length();
      }
    }
    Arrays.sort(order, Comparator.comparingInt((Integer r) -> rowLength[r]).reversed());
    List<Layout> layouts = new ArrayList<>();
    int from = 0;
    while (from < order.length) {
      int longest = rowLength[order[from]];
      int to = from + 1;
      while (to < order.length && (long) (to - from + 1) * longest <= execution.batchTokens()) {
        to++;
      }
      List<List<Unit>> batchRows = new ArrayList<>();
      for (int i = from; i < to; i++) {
        batchRows.add(rows.get(order[i]));
      }
      layouts.add(new Layout(longest, batchRows));
      from = to;
    }
    return layouts;
  }

  /**
   * Packs sequences given as arrays into batches (tests and benchmarks); null arrays: none share.
   */
  public List<PackedBatch> pack(List<long[]> sequences, int[] sharedGroup, int[] sharedPrefix) {
    List<Sequence> specs = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      specs.add(
          new Sequence(
              sequences.get(s).length,
              sharedGroup == null ? -1 : sharedGroup[s],
              sharedPrefix == null ? 0 : sharedPrefix[s]));
    }
    Tokens tokens =
        (s, from, to, dst, at) -> System.arraycopy(sequences.get(s), from, dst, at, to - from);
    List<PackedBatch> batches = new ArrayList<>();
    for (Layout l : layout(specs)) {
      batches.add(build(l, tokens));
    }
    return batches;
  }

  public List<PackedBatch> pack(List<long[]> sequences) {
    return pack(sequences, null, null);
  }

  /**
   * The tokens the model runs for these sequences, packed as {@link #layout} packs them: every
   * sequence's tokens, a shared prompt once per unit (what a cost plan counts without running).
   */
  public long modelTokens(List<Sequence> sequences) {
    long total = 0;
    for (Unit u :
        execution.pack()
            ? units(sequences, execution.unitCapacity())
            : plainUnits(sequences, null)) {
      total += u.length();
    }
    return total;
  }

  private static List<Unit> plainUnits(List<Sequence> sequences, boolean[] taken) {
    List<Unit> units = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      if (sequences.get(s).length() > 0 && (taken == null || !taken[s])) {
        units.add(
            new Unit(
                -1,
                0,
                List.of(new Part(s, 0, sequences.get(s).length())),
                sequences.get(s).length()));
      }
    }
    return units;
  }

  /**
   * Each group's sequences, longest first, go into the first of its units with room: a unit holds
   * the shared prompt but its last token once, then each sequence from that token on, and is at
   * most the capacity long (or its longest sequence, if that is longer). A unit left with one
   * sequence is that sequence alone.
   */
  private static List<Unit> units(List<Sequence> sequences, int capacity) {
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int s = 0; s < sequences.size(); s++) {
      Sequence q = sequences.get(s);
      if (q.sharedGroup() >= 0 && q.sharedPrefix() >= 2 && q.length() >= q.sharedPrefix()) {
        groups.computeIfAbsent(q.sharedGroup(), g -> new ArrayList<>()).add(s);
      }
    }
    boolean[] taken = new boolean[sequences.size()];
    List<Unit> units = new ArrayList<>();
    for (List<Integer> members : groups.values()) {
      if (members.size() < 2) {
        continue;
      }
      int skip = sequences.get(members.get(0)).sharedPrefix() - 1;
      members.sort(Comparator.comparingInt((Integer s) -> sequences.get(s).length()).reversed());
      List<List<Part>> open = new ArrayList<>();
      List<int[]> lengthAndCap = new ArrayList<>();
      for (int s : members) {
        int own = sequences.get(s).length() - skip;
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
        open.get(fit).add(new Part(s, skip, own));
        lengthAndCap.get(fit)[0] += own;
      }
      for (int u = 0; u < open.size(); u++) {
        if (open.get(u).size() > 1) {
          units.add(new Unit(members.get(0), skip, open.get(u), lengthAndCap.get(u)[0]));
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

  /** The batch a layout describes, its tokens copied from {@code tokens}. */
  public static PackedBatch build(Layout layout, Tokens tokens) {
    int length = layout.length();
    List<List<Unit>> rows = layout.rows();
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
        if (unit.sharedFrom() >= 0) {
          sharedBlock = block++;
          int base = r * length + offset;
          tokens.copy(unit.sharedFrom(), 0, unit.sharedLength(), ids, base);
          fill(positions, blocks, base, 0, unit.sharedLength(), sharedBlock);
          offset += unit.sharedLength();
        }
        for (Part part : unit.parts()) {
          int base = r * length + offset;
          int size = part.size();
          tokens.copy(part.sequence(), part.skip(), part.skip() + size, ids, base);
          fill(positions, blocks, base, part.skip(), size, block);
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

  /** Positions from {@code from} and one block for {@code size} cells from {@code base}. */
  private static void fill(
      long[] positions, int[] blocks, int base, int from, int size, int block) {
    for (int t = 0; t < size; t++) {
      positions[base + t] = from + t;
      blocks[base + t] = block;
    }
  }
}
