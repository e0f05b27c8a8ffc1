package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.users.ApiTokenInfo;
import dev.ditto.users.ApiTokens;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.AccessDeniedException;

/**
 * Personal API tokens: a user makes one with a name, a role (at most their own) and an expiry; the token is shown
 * once, in a dialog with a copy button; they see their tokens (prefix, role, last use, state) and revoke one. Admins
 * may make a token for another user and see and revoke everyone's.
 */
@Route("account/tokens")
@PageTitle("API tokens · Ditto")
@Menu(title = "API tokens", order = 98, icon = "vaadin:key")
@PermitAll
public class ApiTokensView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Map<String, @Nullable Duration> EXPIRIES = expiries();

    private final ApiTokens tokens;
    private final boolean admin;
    private final Grid<ApiTokenInfo> grid = id(new Grid<>(), "api-token-grid");

    public ApiTokensView(ApiTokens tokens, UserService users, AuthenticationContext auth) {
        this.tokens = tokens;
        setWidthFull();
        String username = auth.getPrincipalName().orElse("");
        Role own = users.findByUsername(username).map(u -> u.role()).orElse(Role.VIEWER);
        this.admin = own == Role.ADMIN;

        TextField name = id(new TextField("Token name"), "api-token-name");
        name.setPlaceholder("backup script");
        Select<Role> role = id(new Select<>(), "api-token-role");
        role.setLabel("Role");
        role.setItems(Arrays.stream(Role.values()).filter(r -> r.compareTo(own) <= 0).toList());
        role.setValue(own);
        Select<String> expiry = id(new Select<>(), "api-token-expiry");
        expiry.setLabel("Expires");
        expiry.setItems(EXPIRIES.keySet());
        expiry.setValue("in 90 days");
        TextField owner = id(new TextField("For user"), "api-token-owner");
        owner.setPlaceholder(username);
        owner.setVisible(admin);
        Button create = id(new Button("Create token"), "api-token-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> {
            try {
                Duration lasts = EXPIRIES.get(expiry.getValue());
                ApiTokens.Created created = tokens.create(owner.getValue().isBlank() ? null : owner.getValue(), name.getValue(),
                        role.getValue(), lasts == null ? null : Instant.now().plus(lasts));
                name.clear();
                refresh();
                ShownOnce.open("API token " + created.info().name(), created.token(), "api-token");
            } catch (IllegalArgumentException | AccessDeniedException ex) {
                Ids.failure(ex.getMessage());
            }
        });
        HorizontalLayout form = new HorizontalLayout(name, role, expiry, owner, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(t -> {
            Span s = new Span(t.name());
            s.getElement().setAttribute("data-testid", "api-token-row");
            s.getElement().setAttribute("data-token-id", String.valueOf(t.id()));
            s.getElement().setAttribute("data-state", t.state());
            return s;
        }).setHeader("Name").setAutoWidth(true);
        if (admin) {
            grid.addColumn(ApiTokenInfo::owner).setHeader("User").setAutoWidth(true);
        }
        grid.addColumn(t -> t.prefix() + "…").setHeader("Token").setAutoWidth(true);
        grid.addColumn(t -> t.role().name()).setHeader("Role").setAutoWidth(true);
        grid.addColumn(t -> TIME.format(t.createdAt())).setHeader("Created").setAutoWidth(true);
        grid.addColumn(t -> t.expiresAt() == null ? "never" : TIME.format(t.expiresAt())).setHeader("Expires").setAutoWidth(true);
        grid.addColumn(t -> t.lastUsedAt() == null ? "never" : TIME.format(t.lastUsedAt())).setHeader("Last used").setAutoWidth(true);
        grid.addColumn(ApiTokenInfo::state).setHeader("State").setAutoWidth(true);
        grid.addComponentColumn(this::revokeButton).setHeader("").setAutoWidth(true);
        grid.setAllRowsVisible(true);

        add(new H2("API tokens"),
                new Paragraph("A script signs in to the REST API with a token: curl -H 'Authorization: Bearer <token>' "
                        + "<server>/api/sources. A token acts as you, with at most your role; revoke it when it is no longer needed."),
                form, grid);
        refresh();
    }

    private Button revokeButton(ApiTokenInfo token) {
        Button revoke = id(new Button(token.revokedAt() != null ? "Revoked" : "Revoke"), "api-token-revoke-" + token.id());
        revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        revoke.setEnabled(token.revokedAt() == null);
        revoke.addClickListener(e -> {
            ConfirmDialog confirm = id(new ConfirmDialog(), "api-token-revoke-confirm");
            confirm.setHeader("Revoke " + token.name() + "?");
            confirm.setText("Its next request is refused with 401.");
            confirm.setCancelable(true);
            confirm.setConfirmText("Revoke");
            confirm.setConfirmButtonTheme("error primary");
            confirm.addConfirmListener(c -> {
                tokens.revoke(token.id());
                Ids.success(token.name() + " is revoked.");
                refresh();
            });
            confirm.open();
        });
        return revoke;
    }

    private void refresh() {
        List<ApiTokenInfo> shown = admin ? tokens.all() : tokens.mine();
        grid.setItems(shown);
    }

    private static Map<String, @Nullable Duration> expiries() {
        Map<String, @Nullable Duration> choices = new LinkedHashMap<>();
        choices.put("in 30 days", Duration.ofDays(30));
        choices.put("in 90 days", Duration.ofDays(90));
        choices.put("in a year", Duration.ofDays(365));
        choices.put("never", null);
        return choices;
    }
}
