package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.users.UserService;
import jakarta.annotation.security.PermitAll;

/** The signed-in user's account: who they are, their role, and changing their own password (audited). */
@Route("account")
@PageTitle("Account · Ditto")
@Menu(title = "Account", order = 99, icon = "vaadin:user")
@PermitAll
public class AccountView extends VerticalLayout {

    public AccountView(UserService users, AuthenticationContext auth) {
        String username = auth.getPrincipalName().orElse("");
        String role = users.findByUsername(username).map(u -> u.role().name()).orElse("");
        PasswordField current = id(new PasswordField("Current password"), "account-current");
        PasswordField next = id(new PasswordField("New password (8+ characters)"), "account-new");
        PasswordField again = id(new PasswordField("New password again"), "account-confirm");
        Span message = id(new Span(), "account-message");
        Button change = id(new Button("Change password"), "account-change");
        change.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        change.addClickListener(e -> {
            if (!next.getValue().equals(again.getValue())) {
                message.setText("The two new passwords differ.");
                message.getStyle().set("color", "var(--lumo-error-text-color)");
                return;
            }
            try {
                users.changePassword(username, current.getValue(), next.getValue());
                message.setText("Password changed. Use it from your next sign-in.");
                message.getStyle().set("color", "var(--lumo-success-text-color)");
                current.clear();
                next.clear();
                again.clear();
            } catch (IllegalArgumentException ex) {
                message.setText(ex.getMessage());
                message.getStyle().set("color", "var(--lumo-error-text-color)");
            }
        });
        FormLayout form = new FormLayout(current, next, again);
        form.setMaxWidth("32em");
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        add(new H2("Account"), new Paragraph("Signed in as " + username + " (" + role + ")."), form, change, message);
    }
}
