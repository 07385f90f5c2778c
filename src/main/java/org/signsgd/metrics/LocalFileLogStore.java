package org.signsgd.metrics;

import io.delta.storage.HDFSLogStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * the same moment could both succeed: one commit's rows were lost, and the version's file could end up with the
 * other writer's Hadoop checksum file beside it, which makes every later read fail. Here the finished, synced
 * temporary file gets the version's name by a hard link, which the file system refuses atomically when the name
 * exists: the later writer gets the {@link FileAlreadyExistsException} Delta expects and commits again at the
 * next version. An overwrite ({@code _last_checkpoint}) is an atomic rename, with any checksum file of the old
 * content removed first. Reads and listings are Delta's own. On a file system without hard links the write falls
 * back to Delta's default, with a warning.
 */
public final class LocalFileLogStore extends HDFSLogStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFileLogStore.class);

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
    java.nio.file.Path target = Paths.get(fs.makeQualified(path).toUri());
    java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(target.getParent());
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        Writer w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
            StandardCharsets.UTF_8));
        for (String line : lines) {
          w.write(line);
          w.write('\n');
        }
        w.flush();
        channel.force(true); // a commit the log shows is on the disk: a crash cannot leave it empty
      }
      if (!publish(temp, target, overwrite)) {
        LOG.warn("{}: this file system has no hard links; Delta's default commit is used, which does not keep "
            + "concurrent writers from different processes apart", target.getParent());
        super.write(path, lines.iterator(), overwrite, hadoopConf);
      }
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Gives the written file its name: a hard link where the name must be new, an atomic rename where it replaces.
   * False when the file system cannot link (nothing was published then).
   */
  private static boolean publish(java.nio.file.Path temp, java.nio.file.Path target, boolean overwrite)
      throws IOException {
    if (overwrite) {
      Files.deleteIfExists(checksumFile(target));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      return false;
    }
  }

  /** Hadoop's checksum file of a local file: {@code .NAME.crc} beside it. */
  static java.nio.file.Path checksumFile(java.nio.file.Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }
}
