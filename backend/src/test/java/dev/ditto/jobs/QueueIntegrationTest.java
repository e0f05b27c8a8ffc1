package dev.ditto.jobs;

import dev.ditto.testing.DittoIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * An integration test of the queue and the runner protocol: real PostgreSQL, a settable clock, a 1 MB
 * artefact limit, and the background reaper slowed down so tests decide when leases are reaped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@DittoIntegrationTest
@Import(QueueTestConfiguration.class)
@TestPropertySource(properties = {"ditto.runner.max-artifact-mb=1", "ditto.queue.reaper-interval-ms=3600000"})
public @interface QueueIntegrationTest {}
