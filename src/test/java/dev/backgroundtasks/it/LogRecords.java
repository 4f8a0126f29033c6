package dev.backgroundtasks.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What the library logs, as an operator's log would show it: records of its loggers, captured in the server. */
public final class LogRecords extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogRecords(Logger logger) {
        this.logger = logger;
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Starts capturing what {@code loggerName} and the loggers below it log. */
    public static LogRecords of(String loggerName) {
        return new LogRecords(Logger.getLogger(loggerName));
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** The messages logged at {@code level} that contain {@code text}. */
    public List<String> messages(Level level, String text) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage)
                .filter(m -> m != null && m.contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
