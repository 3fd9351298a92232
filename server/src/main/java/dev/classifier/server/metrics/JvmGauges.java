package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * JVM gauges for soak runs: {@code classifier_jvm_heap_after_gc_bytes}, the heap in use right after
 * the most recent collection (flat over hours = no leak), and {@code
 * classifier_jvm_heap_max_bytes}.
 */
public final class JvmGauges {
  private JvmGauges() {}

  public static void register(MetricRegistry registry) {
    registry.gauge(MetricNames.jvm("heap_after_gc_bytes"), () -> JvmGauges::heapAfterGc);
    registry.gauge(MetricNames.jvm("heap_max_bytes"), () -> () -> Runtime.getRuntime().maxMemory());
  }

  /**
   * Heap pools' usage right after the latest collection (by end time, any collector): what the heap
   * holds live; 0 before the first collection.
   */
  static long heapAfterGc() {
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    GcInfo latest = null;
    for (java.lang.management.GarbageCollectorMXBean gc :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof GarbageCollectorMXBean hotspot) {
        GcInfo info = hotspot.getLastGcInfo();
        if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
          latest = info;
        }
      }
    }
    if (latest == null) {
      return 0;
    }
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> e : latest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }
}
