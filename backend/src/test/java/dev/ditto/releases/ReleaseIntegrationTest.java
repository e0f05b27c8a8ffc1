package dev.ditto.releases;

import dev.ditto.testing.SharedInfrastructureInitializer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.test.context.ContextConfiguration;

/**
 * Like {@code @DittoIntegrationTest} (the shared real PostgreSQL and Elasticsearch, a schema of its own, a random
 * port, admin {@code admin}/{@code admin-test-password}), but with only the packages releases depend on, so these
 * tests do not fail when an unrelated feature package cannot start.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = ReleaseIntegrationTest.Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = SharedInfrastructureInitializer.class)
public @interface ReleaseIntegrationTest {

    /** The platform, blobs, users, audit, releases and hub packages with Spring Boot's auto-configuration. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @ComponentScan(basePackages = {"dev.ditto.platform", "dev.ditto.blobs", "dev.ditto.users", "dev.ditto.audit",
            "dev.ditto.releases", "dev.ditto.hub"})
    class Application {}
}
