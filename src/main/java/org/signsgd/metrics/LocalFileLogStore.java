package org.signsgd.metrics;

import io.delta.storage.HDFSLogStore;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta Lake's log store for tables on the local file system ({@code spark.delta.logStore.file.impl}): a commit
 * appears whole, and only if its version is not there yet, also when the writers are different processes.
 *
 * <p>Delta's default for {@code file:} (its HDFS store) checks that the version's file is absent and then renames
 * a temporary file onto it. A local rename replaces an existing file, so two processes committing one version at
 * nearly the same moment could both succeed: one commit's rows would be lost, and the version's file could end up
 * with the other writer's Hadoop checksum file beside it, which makes every later read fail. Here the finished, synced
 * temporary file gets the version's name by a hard link, which the file system refuses atomically when the name
 * exists: the later writer gets the {@link FileAlreadyExistsException} Delta expects and commits again at the
 * next version. An overwrite ({@code _last_checkpoint}) is an atomic rename, with any checksum file of the old
 * content removed first. Reads and listings are Delta's own. On a file system without hard links the write falls
 * back to Delta's default, with a warning. Writers that do not use this store (a Spark shell without the setting)
 * are not kept apart from those that do.
 */
public final class LocalFileLogStore extends HDFSLogStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFileLogStore.class);
  /** Whether the fallback has been reported (once per store: Delta keeps one per table). */
  private volatile boolean warned;

  public LocalFileLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    if (!(fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem)) {
      super.write(path, actions, overwrite, hadoopConf);
      return;
    }
    List<String> lines = new ArrayList<>();
    actions.forEachRemaining(lines::add);
    // Hadoop's own mapping of a local path (a URI's authority, if any, is not part of the file's name)
    java.nio.file.Path target = Paths.get(fs.makeQualified(path).toUri().getPath());
    java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      // no parent is created: like Delta's own stores, a log directory that is gone fails the commit
      try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
        Writer w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8));
        for (String line : lines) {
          w.write(line);
          w.write('\n');
        }
        w.flush();
        file.getFD().sync(); // a commit the log shows is on the disk: a crash cannot leave it empty
      }
      if (!publish(temp, target, overwrite)) {
        if (!warned) {
          warned = true;
          LOG.warn("{}: this file system has no hard links; Delta's default commit is used, which does not keep "
              + "concurrent writers from different processes apart", target.getParent());
        }
        super.write(path, lines.iterator(), overwrite, hadoopConf);
      }
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString());
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) { // the commit stands (or failed for its own reason): a temporary file is left
        LOG.warn("{}: could not delete it ({})", temp, e.getMessage());
      }
    }
  }

  /**
   * Gives the written file its name: a hard link where the name must be new, an atomic rename where it replaces.
   * A checksum file of an earlier file of that name (Hadoop's, left by another writer or a deletion by hand) goes
   * first: this store writes none, and a stale one would fail every read. False when the file system has no hard
   * links (nothing was published then).
   */
  private static boolean publish(java.nio.file.Path temp, java.nio.file.Path target, boolean overwrite)
      throws IOException {
    Files.deleteIfExists(checksumFile(target));
    if (overwrite) {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      // on NFS a link whose reply was lost is sent again and answered "exists": then the name is our own file
      if (Files.isSameFile(temp, target)) {
        return true;
      }
      throw e;
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (FileSystemException e) {
      if (noHardLinks(e)) {
        return false;
      }
      throw e;
    }
  }

  /** EPERM (FAT), EOPNOTSUPP and ENOSYS are how file systems without hard links refuse one. */
  private static boolean noHardLinks(FileSystemException e) {
    String reason = String.valueOf(e.getReason()).toLowerCase(java.util.Locale.ROOT);
    return reason.contains("not permitted") || reason.contains("not supported")
        || reason.contains("not implemented");
  }

  /** Hadoop's checksum file of a local file: {@code .NAME.crc} beside it. */
  static java.nio.file.Path checksumFile(java.nio.file.Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }
}
