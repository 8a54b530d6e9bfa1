package io.eventbackbone.job.source;

/** A clock for the paced reader that only its waits move: a test counts reads per time without the wall clock. */
final class SimulatedTime implements PacedShardReader.Pause {
    long now;
    boolean wakeDuringNextSleep;

    @Override
    public boolean sleep(long millis) {
        if (wakeDuringNextSleep) {
            wakeDuringNextSleep = false;
            return false;
        }
        now += millis;
        return true;
    }

    @Override
    public void wake() {
        wakeDuringNextSleep = true;
    }
}
