package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.users.LoginThrottle;
import dev.ditto.users.Role;
import dev.ditto.users.SignInLockouts;
import dev.ditto.users.User;
import dev.ditto.users.UserService;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Users: create one with a role, change roles, disable and enable; all audited by the user service. Below, the
 * accounts and addresses locked out of signing in after too many failures, each with an unlock button.
 */
@Route("admin/users")
@PageTitle("Users · Ditto")
@Menu(title = "Users", order = 80, icon = "vaadin:users")
@RolesAllowed("ADMIN")
public class UsersView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final UserService users;
    private final String me;
    private final Grid<User> grid = id(new Grid<>(), "user-grid");
    private final SignInLockouts lockouts;
    private final Grid<LoginThrottle.Lockout> lockoutGrid = id(new Grid<>(), "lockout-grid");

    public UsersView(UserService users, SignInLockouts lockouts, AuthenticationContext auth) {
        this.users = users;
        this.lockouts = lockouts;
        this.me = auth.getPrincipalName().orElse("");
        setWidthFull();

        TextField username = id(new TextField("Username"), "user-create-username");
        TextField displayName = id(new TextField("Display name"), "user-create-display-name");
        PasswordField password = id(new PasswordField("Password (8+ characters)"), "user-create-password");
        ComboBox<Role> role = id(new ComboBox<>("Role"), "user-create-role");
        role.setItems(Role.values());
        role.setValue(Role.CURATOR);
        Button create = id(new Button("Create user"), "user-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> {
            try {
                User user = users.create(username.getValue(), password.getValue(), role.getValue() == null ? Role.VIEWER : role.getValue(),
                        displayName.getValue().isBlank() ? null : displayName.getValue().strip());
                Ids.success("Created " + user.username() + " (" + user.role() + ").");
                username.clear();
                displayName.clear();
                password.clear();
                refresh();
            } catch (IllegalArgumentException ex) {
                Ids.failure(ex.getMessage());
            }
        });
        HorizontalLayout form = new HorizontalLayout(username, displayName, password, role, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        form.setWrap(true);

        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(User::username).setHeader("Username").setAutoWidth(true);
        grid.addColumn(u -> u.displayName() == null ? "" : u.displayName()).setHeader("Name").setAutoWidth(true);
        grid.addComponentColumn(this::roleSelect).setHeader("Role").setAutoWidth(true);
        grid.addColumn(u -> u.enabled() ? "enabled" : "disabled").setHeader("State").setAutoWidth(true);
        grid.addColumn(u -> u.lastLoginAt() == null ? "never" : TIME.format(u.lastLoginAt())).setHeader("Last sign-in").setAutoWidth(true);
        grid.addComponentColumn(this::toggle).setHeader("").setAutoWidth(true);
        grid.setAllRowsVisible(true);

        lockoutGrid.addColumn(LoginThrottle.Lockout::key).setHeader("Account or address").setAutoWidth(true);
        lockoutGrid.addColumn(LoginThrottle.Lockout::failures).setHeader("Failures in a row").setAutoWidth(true);
        lockoutGrid.addColumn(l -> TIME.format(l.until())).setHeader("Locked until").setAutoWidth(true);
        lockoutGrid.addComponentColumn(this::unlock).setHeader("").setAutoWidth(true);
        lockoutGrid.setAllRowsVisible(true);
        Button reload = id(new Button("Refresh"), "lockout-refresh");
        reload.addThemeVariants(ButtonVariant.LUMO_SMALL);
        reload.addClickListener(e -> refresh());

        add(new H2("Users"), new H3("New user"), form, grid,
                new H3("Locked out of signing in"), new HorizontalLayout(reload), lockoutGrid);
        refresh();
    }

    private Button unlock(LoginThrottle.Lockout lockout) {
        Button b = id(new Button("Unlock"), "lockout-unlock-" + lockout.key());
        b.addThemeVariants(ButtonVariant.LUMO_SMALL);
        b.addClickListener(e -> {
            lockouts.unlock(lockout.key());
            Ids.success(lockout.key() + " may sign in again.");
            refresh();
        });
        return b;
    }

    private ComboBox<Role> roleSelect(User user) {
        ComboBox<Role> select = id(new ComboBox<>(), "user-role-" + user.username());
        select.setItems(Role.values());
        select.setValue(user.role());
        select.setWidth("10em");
        select.setEnabled(!user.username().equalsIgnoreCase(me));
        select.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null && e.getValue() != user.role()) {
                try {
                    users.changeRole(user.id(), e.getValue());
                    Ids.success(user.username() + " is now " + e.getValue() + ".");
                } catch (IllegalArgumentException ex) {
                    Ids.failure(ex.getMessage());
                }
                refresh();
            }
        });
        return select;
    }

    private Button toggle(User user) {
        Button b = id(new Button(user.enabled() ? "Disable" : "Enable"), "user-toggle-" + user.username());
        b.addThemeVariants(ButtonVariant.LUMO_SMALL, user.enabled() ? ButtonVariant.LUMO_ERROR : ButtonVariant.LUMO_SUCCESS);
        b.setEnabled(!user.username().equalsIgnoreCase(me)); // an admin can't lock themselves out
        b.addClickListener(e -> {
            users.setEnabled(user.id(), !user.enabled());
            Ids.success(user.username() + (user.enabled() ? " is disabled: they can no longer sign in." : " is enabled again."));
            refresh();
        });
        return b;
    }

    private void refresh() {
        grid.setItems(users.list());
        lockoutGrid.setItems(lockouts.list());
    }
}
