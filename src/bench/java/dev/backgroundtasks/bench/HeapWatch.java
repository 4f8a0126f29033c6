package dev.backgroundtasks.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the node's heap: after every collection, young or full, the heap the collection left
 * (its live data and what it did not reach), and the most the heap held at all, sampled every 50 ms.
 */
final class HeapWatch {

    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
    private static final AtomicLong PEAK_USED = new AtomicLong();
    private static volatile Thread thread;

    private HeapWatch() {
    }

    static synchronized String report(boolean reset) {
        if (thread == null) {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> {
                        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                                    (CompositeData) notification.getUserData());
                            long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                    .mapToLong(MemoryUsage::getUsed).sum()
                                    - nonHeap(info);
                            PEAK_AFTER_GC.accumulateAndGet(after, Math::max);
                        }
                    }, null, null);
                }
            }
            thread = new Thread(HeapWatch::watch, "bench-heap-watch");
            thread.setDaemon(true);
            thread.start();
        }
        String text = String.format(Locale.ROOT, "%.1f %.1f %.1f", PEAK_AFTER_GC.get() / 1048576.0,
                PEAK_USED.get() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
        if (reset) {
            PEAK_AFTER_GC.set(0);
            PEAK_USED.set(0);
        }
        return text;
    }

    /** The non-heap pools a collection reports with the heap's (metaspace, code cache), left out. */
    private static long nonHeap(GarbageCollectionNotificationInfo info) {
        long total = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
                MemoryUsage usage = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
                total += usage == null ? 0 : usage.getUsed();
            }
        }
        return total;
    }

    private static void watch() {
        while (true) {
            PEAK_USED.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
