package dev.naturalness.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files of export/ in the Hugging Face dataset layout: Spark's part files moved to their
 * dataset names, and everything else a file system or committer left (a checksum, marker or hidden
 * file) swept away, so that consumers that list a folder find data files only.
 */
public final class ExportFiles {
  private ExportFiles() {}

  /**
   * Spark's part files of a staging directory (relative to the output), moved to {@code
   * root/folder/<split>-0000i-of-0000N.<extension>} (a checksum file a local file system keeps
   * beside each stays behind and goes with staging). Returns the files relative to root.
   */
  public static List<String> rename(
      Outputs outputs, String root, String staging, String folder, String split, String extension)
      throws IOException {
    Path dir = new Path(outputs.path(staging));
    FileSystem fs = dir.getFileSystem(outputs.configuration());
    FileSystem move = fs instanceof ChecksumFileSystem checked ? checked.getRawFileSystem() : fs;
    List<Path> parts = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.getPath().getName().startsWith("part-")) {
        parts.add(f.getPath());
      }
    }
    parts.sort(Comparator.comparing(Path::getName));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String name =
          String.format(
              Locale.ROOT, "%s/%s-%05d-of-%05d.%s", folder, split, i, parts.size(), extension);
      Path target = new Path(outputs.path(root + "/" + name));
      fs.mkdirs(target.getParent());
      if (!move.rename(parts.get(i), target)) {
        throw new IOException("cannot move " + parts.get(i) + " to " + target);
      }
      names.add(name);
    }
    return names;
  }

  /** Removes from {@code dir} (relative to the output) every file not in {@code written}. */
  public static void keepOnly(Outputs outputs, String dir, Set<String> written) throws IOException {
    Path root = new Path(outputs.path(dir));
    FileSystem fs = root.getFileSystem(outputs.configuration());
    if (!fs.exists(root)) {
      return;
    }
    Set<Path> keep = new HashSet<>();
    for (String w : written) {
      keep.add(fs.makeQualified(new Path(outputs.path(w))));
    }
    List<Path> extra = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext()) {
      Path p = fs.makeQualified(files.next().getPath());
      if (!keep.contains(p)) {
        extra.add(p);
      }
    }
    for (Path p : extra) {
      fs.delete(p, false);
    }
  }
}
