package dev.ditto.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Ditto server: dashboard, REST API, runner protocol, indexer and schedulers in one process. */
@SpringBootApplication(scanBasePackages = "dev.ditto")
@EnableScheduling
@Push
public class DittoServer implements AppShellConfigurator {
    public static void main(String[] args) {
        SpringApplication.run(DittoServer.class, args);
    }
}
