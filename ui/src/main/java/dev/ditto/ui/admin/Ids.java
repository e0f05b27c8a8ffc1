package dev.ditto.ui.admin;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** {@code data-testid}s and the notifications the admin views share. */
final class Ids {
    private Ids() {}

    static <C extends Component> C id(C component, String testId) {
        component.getElement().setAttribute("data-testid", testId);
        return component;
    }

    static void success(String text) {
        Notification n = Notification.show(text, 4000, Notification.Position.BOTTOM_START);
        n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    static void failure(String text) {
        Notification n = Notification.show(text, 8000, Notification.Position.BOTTOM_START);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        n.getElement().setAttribute("data-testid", "admin-error");
    }
}
