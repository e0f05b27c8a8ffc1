package dev.ditto.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * The shared PostgreSQL and Elasticsearch reached through a {@link TcpFaultProxy} each, which the test switches to
 * make them hang or go down while the real servers (shared by every test) keep running. A bean of the context; its
 * initializer is {@link Initializer}.
 */
public record FaultProxies(TcpFaultProxy postgres, TcpFaultProxy elasticsearch) {

    /** Both back to forwarding. */
    public void restore() {
        postgres.set(TcpFaultProxy.Mode.FORWARD);
        elasticsearch.set(TcpFaultProxy.Mode.FORWARD);
    }

    /** {@link SharedInfrastructureInitializer}, with the database and search URLs pointed at proxies of this context. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            new SharedInfrastructureInitializer().initialize(context);
            var env = context.getEnvironment();
            try {
                URI es = URI.create(env.getRequiredProperty("ditto.search.url"));
                String db = env.getRequiredProperty("ditto.db.url");
                int pgPort = Integer.parseInt(db.replaceFirst("^jdbc:postgresql://[^:]+:(\\d+)/.*$", "$1"));
                FaultProxies proxies = new FaultProxies(new TcpFaultProxy(pgPort), new TcpFaultProxy(es.getPort()));
                env.getPropertySources().addFirst(new MapPropertySource("fault-proxies", Map.of(
                        "ditto.db.url", db.replaceFirst(":" + pgPort + "/", ":" + proxies.postgres().port() + "/"),
                        "ditto.search.url", "http://127.0.0.1:" + proxies.elasticsearch().port())));
                context.getBeanFactory().registerSingleton("faultProxies", proxies);
                context.addApplicationListener(event -> {
                    if (event instanceof ContextClosedEvent) {
                        try {
                            proxies.postgres().close();
                            proxies.elasticsearch().close();
                        } catch (IOException e) {
                            // closing anyway
                        }
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
