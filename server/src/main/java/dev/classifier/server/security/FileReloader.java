package dev.classifier.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a set of files and reloads them when their contents change (certificates, token files).
 *
 * <p>Change is a SHA-256 over the contents, so it works whatever the modification-time granularity
 * and with atomic swaps (Kubernetes secret volumes replace a symlink). Every file is read once per
 * check and the loader gets exactly those bytes. The first load fails loudly (the server does not
 * start); a later bad version (half-written, key not matching its certificate) is logged once and
 * the previous one stays in force until a good one appears. Checks run on an injected scheduler,
 * never on a gRPC event loop.
 */
public final class FileReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileReloader.class);

  /** Applies the files' contents (in the order given); throws to reject them. */
  @FunctionalInterface
  public interface Loader {
    void load(List<byte[]> contents) throws Exception;
  }

  private final String what;
  private final List<Path> files;
  private final Loader loader;
  private byte[] loaded;
  private byte[] rejected;
  private ScheduledFuture<?> task;
  private long reloads;

  public FileReloader(String what, List<Path> files, Loader loader) {
    this.what = what;
    this.files = List.copyOf(files);
    this.loader = loader;
  }

  /** The first load; any failure is thrown with a message naming the files. */
  public synchronized void loadNow() throws IOException {
    List<byte[]> contents = read();
    byte[] digest = digest(contents);
    try {
      loader.load(contents);
    } catch (Exception e) {
      throw new IOException("cannot load " + what + " " + files + ": " + e.getMessage(), e);
    }
    loaded = digest;
  }

  /**
   * Checks the files once and reloads them when they changed.
   *
   * @return whether a new version was loaded
   */
  public synchronized boolean poll() {
    List<byte[]> contents;
    try {
      contents = read();
    } catch (IOException e) {
      LOG.warn("{}: cannot read {} ({}); keeping the version loaded", what, files, e.toString());
      return false;
    }
    byte[] digest = digest(contents);
    if (Arrays.equals(digest, loaded)) {
      return false;
    }
    try {
      loader.load(contents);
    } catch (Exception e) {
      if (!Arrays.equals(digest, rejected)) {
        LOG.warn(
            "{}: new version of {} rejected, keeping the one loaded: {}",
            what,
            files,
            e.getMessage());
        rejected = digest;
      }
      return false;
    }
    loaded = digest;
    rejected = null;
    reloads++;
    LOG.info("{}: reloaded {}", what, files);
    return true;
  }

  /** How many times a changed version was loaded after the first. */
  public synchronized long reloads() {
    return reloads;
  }

  /** Checks every {@code interval} on {@code scheduler}; zero = never. */
  public synchronized FileReloader start(ScheduledExecutorService scheduler, Duration interval) {
    if (!interval.isZero() && task == null) {
      long nanos = interval.toNanos();
      task =
          scheduler.scheduleWithFixedDelay(this::pollQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
    }
    return this;
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("{}: reload check failed", what, e);
    }
  }

  private List<byte[]> read() throws IOException {
    List<byte[]> out = new ArrayList<>(files.size());
    for (Path f : files) {
      out.add(Files.readAllBytes(f));
    }
    return out;
  }

  private static byte[] digest(List<byte[]> contents) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (byte[] c : contents) {
      d.update(Integer.toString(c.length).getBytes(StandardCharsets.US_ASCII));
      d.update((byte) 0);
      d.update(c);
    }
    return d.digest();
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
