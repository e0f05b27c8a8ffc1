package dev.ditto.ui.layout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.server.DefaultErrorHandler;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import dev.ditto.platform.DatabaseFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A click that reaches PostgreSQL while it is down is told so in a notification ("not saved, try again shortly"),
 * with one WARN line in the log, instead of Vaadin's generic "Internal error" and a stack trace. Other errors keep
 * Vaadin's default handling.
 */
@Component
class DatabaseErrors implements VaadinServiceInitListener {
    private static final Logger log = LoggerFactory.getLogger(DatabaseErrors.class);

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(new DefaultErrorHandler() {
            @Override
            public void error(ErrorEvent error) {
                if (!DatabaseFaults.isUnavailable(error.getThrowable())) {
                    super.error(error);
                    return;
                }
                log.warn("A dashboard action failed: the database is unavailable ({})", error.getThrowable().getMessage());
                if (UI.getCurrent() != null) { // handled while the session is locked, as for any click
                    notice();
                }
            }
        }));
    }

    private static void notice() {
        Notification n = Notification.show("The database is unavailable: that was not saved. Try again in a moment.",
                6000, Notification.Position.TOP_CENTER);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
