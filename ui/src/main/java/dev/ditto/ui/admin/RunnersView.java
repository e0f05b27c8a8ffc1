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
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.runners.CreatedRunner;
import dev.ditto.runners.RunnerInfo;
import dev.ditto.runners.RunnerTokens;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Runner tokens: create one with a name (the token is shown once, in a dialog with a copy button, and never
 * again), revoke one (the runner's next request is refused), and see when each runner was last heard from.
 */
@Route("admin/runners")
@PageTitle("Runners · Ditto")
@Menu(title = "Runner tokens", order = 81, icon = "vaadin:server")
@RolesAllowed("ADMIN")
public class RunnersView extends VerticalLayout {
    private static final int PAGE = 50;
    private static final int FEW = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final RunnerTokens tokens;
    private final Grid<RunnerInfo> grid = id(new Grid<>(), "runner-grid");

    public RunnersView(RunnerTokens tokens) {
        this.tokens = tokens;
        setWidthFull();
        TextField name = id(new TextField("Runner name"), "token-name");
        name.setPlaceholder("gpu-box-1");
        Button create = id(new Button("Create token"), "token-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> {
            try {
                CreatedRunner created = tokens.create(name.getValue());
                name.clear();
                refresh();
                ShownOnce.open("Token for " + created.name(), created.token(), "token");
            } catch (IllegalArgumentException ex) {
                Ids.failure(ex.getMessage());
            }
        });
        HorizontalLayout form = new HorizontalLayout(name, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(r -> {
            Span s = new Span(r.name());
            s.getElement().setAttribute("data-testid", "runner-name");
            s.getElement().setAttribute("data-runner-id", String.valueOf(r.id()));
            s.getElement().setAttribute("data-state", r.revoked() ? "revoked" : "active");
            return s;
        }).setHeader("Name").setAutoWidth(true);
        grid.addColumn(RunnerInfo::tokenHint).setHeader("Token").setAutoWidth(true);
        grid.addColumn(r -> r.host() == null ? "" : r.host()).setHeader("Host").setAutoWidth(true);
        grid.addColumn(r -> String.join(", ", r.stages())).setHeader("Stages").setAutoWidth(true);
        grid.addColumn(r -> ago(r.lastSeenAt())).setHeader("Last seen").setAutoWidth(true);
        grid.addColumn(RunnerInfo::jobsDone).setHeader("Jobs done").setAutoWidth(true);
        grid.addColumn(RunnerInfo::jobsFailed).setHeader("Jobs failed").setAutoWidth(true);
        grid.addColumn(r -> TIME.format(r.createdAt())).setHeader("Created").setAutoWidth(true);
        grid.addComponentColumn(this::revokeButton).setHeader("").setAutoWidth(true);
        grid.setPageSize(PAGE);

        add(new H2("Runner tokens"),
                new Paragraph("A runner joins with the server's URL and its token: java -jar ditto-runner.jar --server <url> --token <token>."),
                form, grid);
        refresh();
    }

    private Button revokeButton(RunnerInfo runner) {
        Button revoke = id(new Button(runner.revoked() ? "Revoked" : "Revoke"), "token-revoke-" + runner.name());
        revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        revoke.setEnabled(!runner.revoked());
        revoke.addClickListener(e -> {
            ConfirmDialog confirm = id(new ConfirmDialog(), "token-revoke-confirm");
            confirm.setHeader("Revoke " + runner.name() + "?");
            confirm.setText("Its next request is refused; jobs it holds go back to the queue when their leases end.");
            confirm.setCancelable(true);
            confirm.setConfirmText("Revoke");
            confirm.setConfirmButtonTheme("error primary");
            confirm.addConfirmListener(c -> {
                tokens.revoke(runner.id());
                Ids.success(runner.name() + " is revoked.");
                refresh();
            });
            confirm.open();
        });
        return revoke;
    }

    /** A page of rows at a time however many runners there are; a few are shown whole, many in a scrolling grid. */
    private void refresh() {
        long count = tokens.count();
        grid.setAllRowsVisible(count <= FEW);
        grid.setHeight(count <= FEW ? null : "36em");
        grid.setItems(query -> tokens.list(query.getLimit(), query.getOffset()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, count));
    }

    private static String ago(@Nullable Instant at) {
        if (at == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(at, Instant.now()).toSeconds());
        return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s < 172800 ? s / 3600 + " h ago" : TIME.format(at);
    }
}
