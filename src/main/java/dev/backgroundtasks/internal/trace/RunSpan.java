package dev.backgroundtasks.internal.trace;

/**
 * The span of one attempt, current on the runner's thread from its start to {@link #end}.
 * Used by one thread only.
 */
public interface RunSpan {

    /** What an attempt's span does where there is no tracing: nothing. */
    RunSpan NONE = new RunSpan() {
        @Override
        public void failed(Throwable error) {
        }

        @Override
        public void end(String outcome, String error) {
        }
    };

    /** Records the exception the task threw. */
    void failed(Throwable error);

    /**
     * Ends the span, no longer current: {@code outcome} is how the attempt ended (succeeded,
     * failed, failed_retried, timed_out, timed_out_retried, cancelled), {@code error} a short
     * description when it did not succeed, or null.
     */
    void end(String outcome, String error);
}
