package dev.ditto.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.lumo.Lumo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Ditto server: dashboard, REST API, runner protocol, indexer and schedulers in one process. */
@SpringBootApplication(scanBasePackages = "dev.ditto")
@EnableScheduling
@Push
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet(Lumo.UTILITY_STYLESHEET)
public class DittoServer implements AppShellConfigurator {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(DittoServer.class);
        if (Boolean.getBoolean(StartupReport.PROPERTY)) {
            var recording = new BufferingApplicationStartup(50_000);
            app.setApplicationStartup(recording);
            app.addListeners(new StartupReport(recording, 15));
        }
        app.run(args);
    }
}
