package dev.backgroundtasks.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Watches the node's heap from a daemon thread: the peaks of live data after collections and of all use. */
final class HeapWatch {

    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
    private static final AtomicLong PEAK_USED = new AtomicLong();
    private static volatile Thread thread;

    private HeapWatch() {
    }

    static synchronized String report(boolean reset) {
        if (thread == null) {
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

    private static void watch() {
        while (true) {
            long afterGc = 0;
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() != MemoryType.HEAP) {
                    continue;
                }
                MemoryUsage collected = pool.getCollectionUsage();
                afterGc += collected == null ? 0 : collected.getUsed();
                used += pool.getUsage().getUsed();
            }
            PEAK_AFTER_GC.accumulateAndGet(afterGc, Math::max);
            PEAK_USED.accumulateAndGet(used, Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
