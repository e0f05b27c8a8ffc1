package dev.ditto.ui;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of docs/design.md: db ← agent ← backend ← ui; views call services, never the database nor the queue, the
 * outbox or the blob store; the backend's packages ({@code dev.ditto.<feature>}) depend on each other without cycles,
 * save the exceptions {@link #backendPackagesAreFreeOfCycles()} names with their reasons.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // the backend's and db's test jars are on this module's test classpath: their fixtures are no part of the design
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.ditto");
    }

    @Test
    void viewsNeverTouchPersistence() {
        noClasses().that().resideInAPackage("dev.ditto.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..",
                        "co.elastic.clients..")
                .check(classes);
    }

    @Test
    void theAgentKnowsNothingOfTheServer() {
        noClasses().that().resideInAPackage("dev.ditto.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dev.ditto.platform..",
                        "dev.ditto.jobs..", "dev.ditto.sources..", "dev.ditto.ui..")
                .check(classes);
    }

    @Test
    void theBackendNeverReachesIntoTheUi() {
        noClasses().that().resideOutsideOfPackage("dev.ditto.ui..")
                .should().dependOnClassesThat().resideInAPackage("dev.ditto.ui..")
                .check(classes);
    }

    @Test
    void theRunnerProtocolIsPlainRecords() {
        classes().that().resideInAPackage("dev.ditto.protocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.ditto.protocol..",
                        "com.fasterxml.jackson.annotation..", "org.jspecify..")
                .check(classes);
    }

    @Test
    void theDatabaseModuleDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.ditto.db..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ditto.platform..", "dev.ditto.agent..", "dev.ditto.ui..",
                        "dev.ditto.protocol..")
                .check(classes);
    }

    /**
     * No package of the server reaches, through others, back to itself. One known exception, recorded here rather than
     * hidden: sources caption with the agent's engines held by campaigns ({@code AgentEngines}). Any other cycle fails
     * this test.
     */
    @Test
    void backendPackagesAreFreeOfCycles() {
        SlicesRuleDefinition.slices().matching("dev.ditto.(*)..").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("dev.ditto.sources.."),
                        simpleName("AgentEngines").and(resideInAPackage("dev.ditto.campaigns..")))
                .check(classes);
    }

    /**
     * Settings know no feature: each feature registers its own ({@code FeatureSettings}: definitions, checks, how its
     * stored values are put in force, what it shows as in force), so settings may use only what every feature may use.
     */
    @Test
    void settingsDependOnNoFeature() {
        classes().that().resideInAPackage("dev.ditto.settings..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.ditto..")
                        .or(resideInAnyPackage(SHARED_UTILITIES)))
                .check(classes);
    }

    /** What any feature of the backend may use: the settings' own package, platform, web, audit and the runner protocol. */
    private static final String[] SHARED_UTILITIES = {"dev.ditto.settings..", "dev.ditto.platform..", "dev.ditto.web..",
        "dev.ditto.audit..", "dev.ditto.protocol.."};

    @Test
    void viewsReachTheQueueOutboxAndBlobsOnlyThroughServices() {
        noClasses().that().resideInAPackage("dev.ditto.ui..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.ditto.jobs.JobQueue")
                .orShould().dependOnClassesThat().resideInAPackage("dev.ditto.outbox..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ditto.blobs.BlobStore")
                .check(classes);
    }
}
