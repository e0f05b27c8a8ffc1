package dev.ditto.ui.review;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.Campaign;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.curation.CuratorDecision;
import dev.ditto.curation.ReasonCode;
import dev.ditto.curation.ReviewDecision;
import dev.ditto.curation.ReviewService;
import dev.ditto.curation.TeamReview;
import dev.ditto.users.Role;
import dev.ditto.users.User;
import dev.ditto.users.UserService;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Review as a team: a lead's adjudication of samples whose reviews disagree (the sample's videos, every review with its
 * reason, then accept or reject), review of reviews (draw accepted samples, uphold or overturn), the queues assigned to
 * curators, and (for admins) who is a lead. Curators who are not leads see the assignments. The same rules as
 * {@code /api/curation/adjudications}, {@code /rechecks}, {@code /assignments} and {@code /leads}.
 */
@Route("team")
@PageTitle("Team review · Ditto")
@Menu(title = "Team review", order = 1.2, icon = "vaadin:group")
@RolesAllowed({"CURATOR", "ADMIN"})
public class TeamView extends VerticalLayout {
    private final TeamReview team;
    private final ReviewService reviews;
    private final String username;
    private final boolean lead;

    private final SyncedPlayers players = new SyncedPlayers();
    private final Div adjudication = new Div();
    private final Span adjInstruction = new Span();
    private final Span adjCategory = new Span();
    private final Anchor adjLink = new Anchor();
    private final Div adjReviews = new Div();
    private final Paragraph adjEmpty = new Paragraph("No disagreement waits for you: a lead does not settle one they reviewed.");
    private final Span adjLast = new Span();
    private final ReasonDialog adjReason = new ReasonDialog(this::adjudicateReject);
    private TeamReview.@Nullable Adjudication current;

    private final Div recheck = new Div();
    private final Span recheckText = new Span();
    private final Anchor recheckLink = new Anchor();
    private final Paragraph recheckEmpty = new Paragraph("No accepted sample waits for a re-check by you.");
    private final ReasonDialog overturnReason = new ReasonDialog(this::overturn);
    private TeamReview.@Nullable Recheck currentRecheck;

    private final Grid<TeamReview.Assignment> assignments = new Grid<>();

    public TeamView(TeamReview team, ReviewService reviews, UserService users, CampaignService campaigns, AuthenticationContext auth) {
        this.team = team;
        this.reviews = reviews;
        this.username = auth.getPrincipalName().orElseThrow();
        this.lead = team.isLead(username);
        setWidthFull();
        add(new H2("Team review"));
        List<String> curators = users.list().stream().filter(u -> u.enabled() && u.role() != Role.VIEWER).map(User::username).toList();
        if (lead) {
            add(new H3("Adjudication"), new Paragraph("Samples whose reviews disagree (the overlap share, Settings → Review,"
                    + " or double review) wait here instead of being rejected. Your decision is final and audited."));
            buildAdjudication();
            add(adjudication, adjEmpty, adjLast);
            add(new H3("Review of reviews"));
            buildRecheck(curators);
            add(recheck, recheckEmpty);
        } else {
            add(new Paragraph("Adjudication and review of reviews are for leads: an admin, or a curator an admin marked as lead."));
        }
        add(new H3("Assigned queues"), new Paragraph("A curator's Review page serves the campaigns and categories assigned to"
                + " them first, and nobody else is served them; what nobody is assigned is open to every curator."));
        buildAssignments(curators, campaigns);
        if (auth.hasRole("ADMIN")) {
            add(new H3("Leads"));
            add(leads(users));
        }
        nextAdjudication();
        nextRecheck();
    }

    // ------------------------------------------------------------------ adjudication

    private void buildAdjudication() {
        testId(adjudication, "adjudication");
        testId(adjInstruction, "adjudication-instruction");
        adjInstruction.getStyle().set("font-size", "var(--lumo-font-size-l)").set("font-weight", "600");
        adjCategory.getElement().getThemeList().add("badge");
        testId(adjReviews, "adjudication-reviews");
        testId(adjEmpty, "adjudication-empty");
        testId(adjLast, "adjudication-last");
        adjReason.getElement().setAttribute("data-testid", "adjudication-reason-dialog");
        Button accept = new Button("Accept", e -> adjudicate(CuratorDecision.accept()));
        accept.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SUCCESS);
        testId(accept, "adjudicate-accept");
        Button reject = new Button("Reject…", e -> adjReason.ask());
        reject.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        testId(reject, "adjudicate-reject");
        HorizontalLayout title = new HorizontalLayout(adjCategory, adjInstruction, adjLink);
        title.setAlignItems(FlexComponent.Alignment.BASELINE);
        Div left = new Div(players, new HorizontalLayout(accept, reject));
        left.getStyle().set("flex", "3 1 32em").set("min-width", "0");
        adjReviews.getStyle().set("flex", "1 1 18em");
        Div columns = new Div(left, adjReviews);
        columns.getStyle().set("display", "flex").set("gap", "var(--lumo-space-l)").set("flex-wrap", "wrap");
        adjudication.add(title, columns);
        adjudication.setWidthFull();
    }

    private void nextAdjudication() {
        if (!lead) {
            return;
        }
        current = team.nextAdjudication(username).orElse(null);
        adjudication.setVisible(current != null);
        adjEmpty.setVisible(current == null);
        if (current == null) {
            players.clear();
            return;
        }
        adjudication.getElement().setAttribute("data-sample-id", String.valueOf(current.sampleId()));
        adjInstruction.setText(current.instruction());
        adjCategory.setText(current.category());
        adjLink.setText("Sample " + current.sampleId());
        adjLink.setHref("samples/" + current.sampleId());
        adjReviews.removeAll();
        for (TeamReview.Review r : current.reviews()) {
            Div row = new Div();
            testId(row, "adjudication-review");
            row.getElement().setAttribute("data-decision", r.decision().name());
            Span who = new Span(r.curator() + ": ");
            who.getStyle().set("font-weight", "600");
            String what = r.decision() == ReviewDecision.ACCEPT ? "Accept" : "Reject";
            if (r.reason() != null) {
                what += " — " + r.reason().label();
            }
            row.add(who, new Span(what));
            if (r.note() != null) {
                Paragraph note = new Paragraph("“" + r.note() + "”");
                note.getStyle().set("margin", "0").set("color", "var(--lumo-secondary-text-color)");
                row.add(note);
            }
            row.getStyle().set("padding", "var(--lumo-space-xs) 0").set("border-bottom", "1px solid var(--lumo-contrast-10pct)");
            adjReviews.add(row);
        }
        reviews.item(current.sampleId()).ifPresent(players::show);
    }

    private void adjudicateReject(ReasonCode reason, @Nullable String note) {
        adjudicate(CuratorDecision.reject(reason, note));
    }

    private void adjudicate(CuratorDecision decision) {
        if (current == null) {
            return;
        }
        long sample = current.sampleId();
        try {
            team.adjudicate(username, sample, decision);
            adjLast.setText("Sample " + sample + " " + (decision.decision() == ReviewDecision.ACCEPT ? "accepted" : "rejected") + ".");
            adjLast.getElement().setAttribute("data-sample-id", String.valueOf(sample));
        } catch (IllegalStateException | IllegalArgumentException e) {
            error(e.getMessage());
        }
        nextAdjudication();
    }

    // ------------------------------------------------------------------ review of reviews

    private void buildRecheck(List<String> curators) {
        IntegerField count = new IntegerField("Accepted samples to draw");
        count.setMin(1);
        count.setMax(1000);
        count.setValue(10);
        testId(count, "recheck-count");
        ComboBox<String> curator = new ComboBox<>("Of one curator (optional)", curators);
        curator.setClearButtonVisible(true);
        testId(curator, "recheck-curator");
        Button draw = new Button("Draw", e -> {
            try {
                int drawn = team.drawRechecks(username, count.getValue() == null ? 0 : count.getValue(), curator.getValue());
                Notification.show(drawn + " accepted samples drawn for a re-check.");
            } catch (IllegalArgumentException ex) {
                error(ex.getMessage());
            }
            nextRecheck();
        });
        testId(draw, "recheck-draw");
        HorizontalLayout form = new HorizontalLayout(count, curator, draw);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(form);
        testId(recheck, "recheck");
        testId(recheckText, "recheck-sample");
        testId(recheckEmpty, "recheck-empty");
        overturnReason.getElement().setAttribute("data-testid", "overturn-reason-dialog");
        Button uphold = new Button("Uphold", e -> decideRecheck(false, null, null));
        uphold.addThemeVariants(ButtonVariant.LUMO_SUCCESS);
        testId(uphold, "recheck-uphold");
        Button overturn = new Button("Overturn…", e -> overturnReason.ask());
        overturn.addThemeVariants(ButtonVariant.LUMO_ERROR);
        testId(overturn, "recheck-overturn");
        recheck.add(new Div(recheckText, new Span(" · "), recheckLink), new HorizontalLayout(uphold, overturn));
    }

    private void nextRecheck() {
        if (!lead) {
            return;
        }
        currentRecheck = team.nextRecheck(username).orElse(null);
        recheck.setVisible(currentRecheck != null);
        recheckEmpty.setVisible(currentRecheck == null);
        if (currentRecheck != null) {
            recheckText.setText("“" + currentRecheck.instruction() + "”, accepted by " + String.join(", ", currentRecheck.curators()));
            recheck.getElement().setAttribute("data-sample-id", String.valueOf(currentRecheck.sampleId()));
            recheckLink.setText("Sample " + currentRecheck.sampleId());
            recheckLink.setHref("samples/" + currentRecheck.sampleId());
        }
    }

    private void overturn(ReasonCode reason, @Nullable String note) {
        decideRecheck(true, reason, note);
    }

    private void decideRecheck(boolean overturn, @Nullable ReasonCode reason, @Nullable String note) {
        if (currentRecheck == null) {
            return;
        }
        try {
            team.decideRecheck(username, currentRecheck.id(), overturn, reason, note);
            Notification.show("Sample " + currentRecheck.sampleId() + (overturn ? " overturned: rejected." : " upheld."));
        } catch (IllegalStateException | IllegalArgumentException e) {
            error(e.getMessage());
        }
        nextRecheck();
    }

    // ------------------------------------------------------------------ assignments and leads

    private void buildAssignments(List<String> curators, CampaignService campaigns) {
        testId(assignments, "assignments");
        assignments.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        assignments.addColumn(TeamReview.Assignment::assignee).setHeader("Curator").setAutoWidth(true);
        assignments.addColumn(a -> a.campaignId() != null ? "Campaign " + a.campaignId()
                + (a.campaignName() == null ? "" : " · " + a.campaignName()) : "Category " + a.category()).setHeader("Queue").setAutoWidth(true);
        assignments.addColumn(a -> a.createdBy() == null ? "" : a.createdBy()).setHeader("Assigned by").setAutoWidth(true);
        if (lead) {
            assignments.addComponentColumn(a -> {
                Button remove = new Button("Remove", e -> {
                    team.unassign(username, a.id());
                    assignments.setItems(team.assignments());
                });
                remove.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
                return remove;
            }).setAutoWidth(true);
        }
        assignments.setAllRowsVisible(true);
        assignments.setItems(team.assignments());
        if (lead) {
            ComboBox<String> assignee = new ComboBox<>("Curator", curators);
            testId(assignee, "assign-curator");
            ComboBox<Campaign> campaign = new ComboBox<>("Campaign");
            campaign.setItems(campaigns.list(200));
            campaign.setItemLabelGenerator(c -> c.id() + " · " + c.name());
            campaign.setClearButtonVisible(true);
            testId(campaign, "assign-campaign");
            TextField category = new TextField("or category");
            category.setPlaceholder("GLOBAL_STYLE");
            testId(category, "assign-category");
            Button assign = new Button("Assign", e -> {
                try {
                    team.assign(username, assignee.getValue(), campaign.getValue() == null ? null : campaign.getValue().id(),
                            category.getValue());
                    assignments.setItems(team.assignments());
                } catch (IllegalArgumentException | IllegalStateException ex) {
                    error(ex.getMessage());
                }
            });
            testId(assign, "assign");
            HorizontalLayout form = new HorizontalLayout(assignee, campaign, category, assign);
            form.setAlignItems(FlexComponent.Alignment.BASELINE);
            form.getStyle().set("flex-wrap", "wrap");
            add(form);
        }
        add(assignments);
    }

    private Component leads(UserService users) {
        Grid<User> grid = new Grid<>();
        testId(grid, "leads");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(User::username).setHeader("User").setAutoWidth(true);
        grid.addColumn(u -> u.role().name()).setHeader("Role").setAutoWidth(true);
        List<String> leads = team.leads().stream().filter(TeamReview.Lead::lead).map(TeamReview.Lead::username).toList();
        grid.addComponentColumn(u -> {
            if (u.role() == Role.ADMIN) {
                return new Span("always (admin)");
            }
            Checkbox box = new Checkbox("Lead", leads.contains(u.username()));
            box.getElement().setAttribute("data-testid", "lead-" + u.username());
            box.addValueChangeListener(e -> team.setLead(u.username(), e.getValue()));
            return box;
        }).setHeader("Lead").setAutoWidth(true);
        grid.setItems(users.list().stream().filter(u -> u.enabled() && u.role() != Role.VIEWER).toList());
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static void error(@Nullable String message) {
        Notification n = Notification.show(String.valueOf(message), 6000, Notification.Position.MIDDLE);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    private static void testId(Component c, String id) {
        c.getElement().setAttribute("data-testid", id);
    }
}
