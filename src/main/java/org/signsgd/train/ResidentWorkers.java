package org.signsgd.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.signsgd.model.GradientModel;

/**
 * One stretch of iterations with the workers resident in their tasks ({@code resident_workers: true}): one Spark job
 * whose tasks, one per partition of the worker states, stay running and trade each iteration's downlink and uplinks
 * with the driver over a TCP connection each, instead of one Spark job per iteration. A task steps its workers
 * exactly as the per-iteration job does ({@link WorkerStep}), and the uplinks come back in partition order, as a
 * collect returns them, so the rows are the same. At the stretch's end (a checkpoint, a reference iteration, a stop)
 * the driver sends "end" and each task returns its workers' states as its result; the driver turns them back into
 * the state RDD the rest of the run checkpoints and saves. If a task fails, the stretch fails: the job's error is
 * thrown, and the run resumes from its last resume point as after any failure.
 */
final class ResidentWorkers implements AutoCloseable {
  /** How long the driver waits for every task to connect: the tasks must all run at once. */
  static final int CONNECT_TIMEOUT_MS = 120_000;
  /** The same under {@code resident_workers: auto}, which then goes on with one job per iteration. */
  static final int AUTO_CONNECT_TIMEOUT_MS = 20_000;
  /**
   * A thread-local Spark property ({@link JavaSparkContext#setLocalProperty}) that replaces
   * {@link #AUTO_CONNECT_TIMEOUT_MS} (milliseconds), so that a test of the fallback need not wait 20 s.
   */
  static final String AUTO_TIMEOUT_PROPERTY = "signsgd.resident.autoConnectTimeoutMs";

  /** How long auto waits for the tasks to connect: {@link #AUTO_TIMEOUT_PROPERTY} when set, else 20 s. */
  static int autoConnectTimeoutMs(JavaSparkContext jsc) {
    String set = jsc.getLocalProperty(AUTO_TIMEOUT_PROPERTY);
    return set == null ? AUTO_CONNECT_TIMEOUT_MS : Integer.parseInt(set);
  }
  private static final String END = "end";
  /** Ends the tasks without their states (a run that is over has no use for them). */
  private static final String DROP = "drop";
  /** How long an accepted connection may take to say which task it is. */
  private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

  private final JavaSparkContext jsc;
  private final ServerSocket server;
  private final String group;
  private final Link[] links;
  private final CompletableFuture<List<WorkerSlot>> job;
  private boolean ended;
  /**
   * Guards {@link #idle}, {@link #told} and {@link #yieldAsked}: the listener below may end the stretch from Spark's
   * listener thread.
   */
  private final Object lock = new Object();
  /** Whether another job has asked for the cores (acted on when no iteration is in flight). */
  private boolean yieldAsked;
  /** Whether every task has connected (before that, a yield asked for is only noted). */
  private boolean connected;
  /** Whether the stretch has run an iteration: one that has not holds the states it was given. */
  private boolean stepped;
  /** Whether every task waits for a downlink (no iteration is in flight). */
  private boolean idle = true;
  /** Whether the tasks have been told to end. */
  private boolean told;
  /** Ends the stretch when another job starts (see {@link #yieldCores}). */
  private final org.apache.spark.scheduler.SparkListener listener;

  /** A task's connection, as the driver holds it. */
  private record Link(Socket socket, ObjectOutputStream out, ObjectInputStream in) {}

  /**
   * Starts the stretch's job over {@code slots} and waits until each of its tasks has connected.
   *
   * @throws IllegalStateException when the tasks did not all start (too few free cores) or one failed
   */
  ResidentWorkers(JavaSparkContext jsc, JavaRDD<WorkerSlot> slots, Broadcast<GradientModel> model,
      Broadcast<WorkerPlan> plan, int connectTimeoutMs) {
    this.jsc = jsc;
    int partitions = slots.getNumPartitions();
    links = new Link[partitions];
    String host = jsc.getConf().get("spark.driver.host", "localhost");
    long token = new java.security.SecureRandom().nextLong();
    server = listen(host, partitions);
    group = "resident-workers-" + Long.toHexString(token);
    // listening before the job is submitted: a job that starts while the tasks connect is heard of too
    listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        String of = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
        if (!group.equals(of) && start.time() >= started) {
          yieldCores();
        }
      }
    };
    jsc.sc().addSparkListener(listener);
    try {
      Loop loop = new Loop(host, server.getLocalPort(), token, model, plan);
      JavaRDD<WorkerSlot> resident = SparkJobs.mapPartitions(slots, loop);
      job = CompletableFuture.supplyAsync(() -> {
        jsc.setJobGroup(group, "resident workers", true);
        try {
          return SparkJobs.collect(resident);
        } finally {
          jsc.clearJobGroup();
        }
      }, runnable -> {
        Thread t = new Thread(runnable, group);
        t.setDaemon(true);
        t.start();
      });
      accept(token, partitions, connectTimeoutMs);
    } catch (Throwable e) {
      close(); // the listener, the socket and the job go with a stretch that did not start
      throw e;
    }
    // a failed job ends every connection, so that a driver waiting for uplinks hears of it
    job.whenComplete((states, failure) -> {
      if (failure != null) {
        closeLinks();
      }
    });
    synchronized (lock) {
      connected = true; // a yield asked for meanwhile is done by the first step
    }
  }

  private static ServerSocket listen(String host, int partitions) {
    ServerSocket server = null;
    try {
      server = new ServerSocket(0, partitions + 8, InetAddress.getByName(host));
      server.setSoTimeout(1_000);
      return server;
    } catch (IOException e) {
      if (server != null) {
        try {
          server.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      throw new UncheckedIOException("resident_workers: cannot listen on the driver's host " + host + ": "
          + e.getMessage() + "; set resident_workers: false", e);
    }
  }

  /** When this stretch began (ms): jobs that started before it do not wait for its cores. */
  private final long started = System.currentTimeMillis();

  /**
   * Another job has started (the metrics' flush, a concurrent run): it needs the cores this stretch's tasks hold, and
   * the driver may be waiting for it before the next iteration. When no iteration is in flight the tasks are told to
   * end, which frees their cores; when one is (or the tasks are still connecting), they are told as soon as it is
   * over. The next {@link #step} then returns null, and the caller ends the stretch and starts another.
   */
  private void yieldCores() {
    synchronized (lock) {
      yieldAsked = true;
      if (connected && idle && !told) {
        tellEnd(END);
      }
    }
  }

  private void tellEnd(String how) {
    told = true;
    try {
      for (Link l : links) {
        l.out().writeObject(how);
        l.out().flush();
      }
    } catch (IOException e) {
      // a task that is gone: the job's own end says why
    }
  }

  private void accept(long token, int partitions, int timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    int joined = 0;
    while (joined < partitions) {
      if (job.isDone()) {
        throw new IllegalStateException("resident_workers: the workers' job ended before its tasks connected: "
            + failureOf(job));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("resident_workers: " + joined + " of " + partitions + " worker tasks "
            + "connected to the driver within " + timeoutMs / 1000 + " s; every partition's task must run "
            + "at once: give the run as many free cores as partitions (workers_per_partition sets how many), or set "
            + "resident_workers: false");
      }
      Socket socket;
      try {
        socket = server.accept();
      } catch (SocketTimeoutException e) {
        continue; // no connection within a second: look at the job and the deadline again
      } catch (IOException e) {
        throw new UncheckedIOException("resident_workers: the driver stopped accepting the worker tasks' "
            + "connections: " + e.getMessage(), e);
      }
      Link link;
      int partition;
      try {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS); // a connection that says nothing must not hold the others up
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        out.flush();
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(socket.getInputStream()));
        if (in.readLong() != token) {
          closeQuietly(socket); // not one of this stretch's tasks
          continue;
        }
        partition = in.readInt();
        socket.setSoTimeout(0); // an iteration takes as long as its gradients do
        link = new Link(socket, out, in);
      } catch (IOException e) {
        closeQuietly(socket); // a connection that said nothing, or not what a task says: not one of the tasks
        continue;
      }
      if (partition < 0 || partition >= partitions || links[partition] != null) {
        // a task that runs again after a failure: the stretch cannot continue where it was
        closeQuietly(socket);
        throw new IllegalStateException("resident_workers: the task of partition " + partition + " connected "
            + "twice (it ran again after a failure); the run resumes from its last resume point");
      }
      links[partition] = link;
      joined++;
    }
  }

  /**
   * One iteration: the downlink to every task, and every worker's uplink back, in partition order; null when the
   * stretch has yielded its cores to another job ({@link #yieldCores}) and must be ended.
   */
  List<Uplink> step(Downlink down) {
    synchronized (lock) {
      if (yieldAsked && !told) {
        tellEnd(END); // another job asked for the cores while the last iteration was in flight
      }
      if (told) {
        return null;
      }
      idle = false;
      stepped = true;
    }
    try {
      for (Link l : links) {
        l.out().writeObject(down);
        l.out().reset();
        l.out().flush();
      }
      List<Uplink> ups = new ArrayList<>();
      for (Link l : links) {
        @SuppressWarnings("unchecked")
        List<Uplink> part = (List<Uplink>) l.in().readObject();
        ups.addAll(part);
      }
      synchronized (lock) {
        idle = true;
        if (yieldAsked && !told) {
          tellEnd(END); // another job asked for the cores during this iteration
        }
      }
      return ups;
    } catch (IOException | ClassNotFoundException e) {
      throw failed(e);
    }
  }

  /** Whether the stretch has run at least one iteration (else its tasks' states are the ones it started from). */
  boolean stepped() {
    synchronized (lock) {
      return stepped;
    }
  }

  boolean idle() {
    synchronized (lock) {
      return idle && !ended;
    }
  }

  /** Ends the stretch: every task returns its workers' states, in partition order. */
  List<WorkerSlot> end() {
    return end(END);
  }

  /** Ends the stretch's tasks and drops their states: for a run that is over. */
  void drop() {
    end(DROP);
  }

  private List<WorkerSlot> end(String how) {
    try {
      synchronized (lock) {
        if (!told) {
          tellEnd(how);
        }
      }
      List<WorkerSlot> states = job.get();
      ended = true;
      return states;
    } catch (ExecutionException e) {
      throw new IllegalStateException("resident_workers: the workers' job failed: " + failureOf(job), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("resident_workers: interrupted while the worker tasks ended", e);
    } finally {
      close();
    }
  }

  /** The job's own error when it failed (a task's exception), else the connection's. */
  private RuntimeException failed(Exception e) {
    try {
      job.get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception jobFailure) {
      return new IllegalStateException("resident_workers: the workers' job failed: " + failureOf(job),
          jobFailure);
    }
    return new UncheckedIOException("resident_workers: the connection to a worker task failed: " + e.getMessage(),
        e instanceof IOException io ? io : new IOException(e));
  }

  private static String failureOf(CompletableFuture<?> job) {
    try {
      job.getNow(null);
      return "it returned early";
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return String.valueOf(c.getMessage()).lines().findFirst().orElse(c.getClass().getSimpleName());
    }
  }

  private void closeLinks() {
    for (Link l : links) {
      if (l != null) {
        closeQuietly(l.socket());
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Releases the connections; a stretch not ended cancels its job. */
  @Override
  public void close() {
    if (listener != null) {
      jsc.sc().removeSparkListener(listener);
    }
    closeLinks();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    if (!ended && job != null && !job.isDone()) {
      jsc.cancelJobGroup(group);
    }
  }

  /**
   * A task's loop: connect, then step its workers for each downlink until "end", and return their states (only the
   * states: the last uplinks are the driver's already), or nothing at "drop".
   */
  private record Loop(String host, int port, long token, Broadcast<GradientModel> model, Broadcast<WorkerPlan> plan)
      implements SparkJobs.PartitionFn<WorkerSlot, WorkerSlot>, Serializable {
    @Override
    public List<WorkerSlot> apply(int partition, List<WorkerSlot> slots) throws Exception {
      org.apache.spark.TaskContext context = org.apache.spark.TaskContext.get();
      if (context != null && context.attemptNumber() > 0) {
        // the stretch's iterations since it began are lost with the first attempt: fail the job at once, so that
        // the driver hears of it and the run resumes from its last resume point
        throw new IllegalStateException("resident_workers: the task of partition " + partition + " failed and ran "
            + "again; a stretch cannot continue without its first attempt's workers");
      }
      String device = DeviceBinding.bind(plan.value().gpu());
      List<WorkerSlot> mine = new ArrayList<>(slots);
      try (Socket socket = new Socket(host, port)) {
        socket.setTcpNoDelay(true);
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        out.writeLong(token);
        out.writeInt(partition);
        out.flush();
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(socket.getInputStream()));
        Object message;
        while ((message = in.readObject()) instanceof Downlink down) {
          List<Uplink> ups = new ArrayList<>(mine.size());
          ReplicaUpdate replicas = new ReplicaUpdate(down, plan.value().weightDecay());
          for (int i = 0; i < mine.size(); i++) {
            WorkerSlot next = WorkerStep.step(model.value(), plan.value(), mine.get(i).state(), device, replicas);
            mine.set(i, WorkerSlot.of(next.state()));
            ups.add(next.uplink());
          }
          out.writeObject(ups);
          out.reset();
          out.flush();
        }
        return DROP.equals(message) ? List.of() : mine;
      }
    }
  }
}
