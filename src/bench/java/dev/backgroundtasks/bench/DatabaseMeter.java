package dev.backgroundtasks.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database did and how it is set up: WAL bytes and checkpoints between two readings, the
 * settings that decide what a commit costs, and how fast the disk flushes ({@code pg_test_fsync}).
 */
final class DatabaseMeter {

    /**
     * WAL position (bytes), checkpoints, the benchmark database's committed transactions, the WAL's
     * flushes to disk (-1 before PostgreSQL 14), and the CPU time of each of the server's processes
     * (milliseconds by process id; null where /proc shows none) so far.
     */
    record Reading(long walBytes, long checkpoints, long commits, long walSyncs, Map<Long, Long> cpuMillis) {

        /**
         * The server's CPU time since {@code before}, over the processes alive now: a process that
         * ended meanwhile (a connection of the benchmark's own, closed) takes its time with it, and a
         * process started meanwhile counts whole. -1 when not measured.
         */
        long cpuMillisSince(Reading before) {
            if (cpuMillis == null || before.cpuMillis == null) {
                return -1;
            }
            long total = 0;
            for (Map.Entry<Long, Long> e : cpuMillis.entrySet()) {
                total += e.getValue() - before.cpuMillis.getOrDefault(e.getKey(), 0L);
            }
            return total;
        }
    }

    private DatabaseMeter() {
    }

    static Reading read() throws SQLException {
        // The processes first: the queries below open connections whose server processes then end.
        Map<Long, Long> cpu = cpuMillis("postgres");
        long wal = BenchDatabase.number("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        long checkpoints;
        try {
            checkpoints = BenchDatabase.number("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter");
        } catch (SQLException e) {
            // PostgreSQL 17 moved them.
            checkpoints = BenchDatabase.number("SELECT num_timed + num_requested FROM pg_stat_checkpointer");
        }
        // Statistics are sent at most once a second: the commits of a drain are read after a pause.
        long commits = BenchDatabase.number("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        long syncs;
        try {
            syncs = BenchDatabase.number("SELECT wal_sync FROM pg_stat_wal");
        } catch (SQLException e) {
            syncs = -1;
        }
        return new Reading(wal, checkpoints, commits, syncs, cpu);
    }

    /**
     * The user and system CPU time of each process named {@code command}, in milliseconds by process
     * id (Linux's /proc counts in ticks of 10 ms); null when /proc shows no such process.
     */
    static Map<Long, Long> cpuMillis(String command) {
        Map<Long, Long> millis = new LinkedHashMap<>();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path dir : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(open + 1, close).equals(command)) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" ");
                    millis.put(Long.valueOf(dir.getFileName().toString()),
                            (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10);
                } catch (Exception gone) {
                    // The process ended while being read.
                }
            }
        } catch (Exception e) {
            return null;
        }
        return millis.isEmpty() ? null : millis;
    }

    /** The settings that decide what a commit and a checkpoint cost, and the server's version. */
    static Map<String, String> settings() throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = BenchDatabase.connect(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name IN "
                     + "('server_version', 'synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes', "
                     + "'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_level', 'max_connections') ORDER BY name")) {
            while (rows.next()) {
                settings.put(rows.getString(1), rows.getString(2));
            }
        }
        return settings;
    }

    /**
     * The disk's flush rate as {@code pg_test_fsync} measures it with {@code fdatasync} (Linux's
     * default {@code wal_sync_method}), on the file system of the database's data directory; null
     * when the tool is not installed.
     */
    static String fsyncRate() throws Exception {
        Path tool;
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            tool = versions.map(v -> v.resolve("bin/pg_test_fsync")).filter(Files::isExecutable).sorted()
                    .reduce((a, b) -> b).orElse(null);
        }
        if (tool == null) {
            return null;
        }
        Path dataDir = Path.of(BenchDatabase.text("SHOW data_directory"));
        Path file = dataDir.getParent().resolve("bench_pg_test_fsync.out");
        Process process = new ProcessBuilder(List.of(tool.toString(), "-s", "2", "-f", file.toString()))
                .redirectErrorStream(true).start();
        String rate = null;
        boolean oneWrite = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                oneWrite |= line.contains("one 8kB write");
                if (oneWrite && rate == null && line.trim().startsWith("fdatasync")) {
                    rate = line.trim().replaceFirst("^fdatasync\\s+", "").replaceAll("\\s+", " ");
                }
            }
        }
        process.waitFor();
        Files.deleteIfExists(file);
        return rate;
    }
}
