package io.eventbackbone.cloudformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * The CloudFormation template of the system, read as a tree of maps and lists (short-form tags in their
 * long forms), with what the local stack and the checks need from it: resources by type, intrinsic
 * resolution, and the tables and streams as the emulators create them. The template is the one source of
 * the resource shapes; locally they are created from it, so local and cloud cannot drift.
 */
public final class CloudFormationTemplate {

    public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
    public static final String KINESIS_STREAM = "AWS::Kinesis::Stream";
    public static final String FLINK_APPLICATION = "AWS::KinesisAnalyticsV2::Application";
    public static final String IAM_ROLE = "AWS::IAM::Role";
    public static final String LAMBDA_FUNCTION = "AWS::Lambda::Function";

    /** Where the template lives in the repository. */
    public static final String REPOSITORY_PATH = "cloudformation/event-backbone.yaml";

    /** Table properties that configure AWS only (encryption, backups, tags): no part of the table's shape. */
    private static final Set<String> AWS_ONLY_TABLE_PROPERTIES = Set.of("TableName", "SSESpecification",
            "PointInTimeRecoverySpecification", "Tags", "DeletionProtectionEnabled", "ContributorInsightsSpecification",
            "TableClass", "TimeToLiveSpecification", "KinesisStreamSpecification", "ResourcePolicy",
            "WarmThroughput", "OnDemandThroughput", "ImportSourceSpecification");
    private static final Set<String> TABLE_SHAPE_PROPERTIES = Set.of("BillingMode", "AttributeDefinitions", "KeySchema",
            "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput", "StreamSpecification");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    /** Resolves to nothing: {@code Ref AWS::NoValue} removes the property or list item it stands for. */
    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private final Map<String, Object> root;
    private final Map<String, Resource> resources;

    private CloudFormationTemplate(Map<String, Object> root) {
        this.root = root;
        Map<String, Resource> byId = new LinkedHashMap<>();
        section("Resources").forEach((id, definition) -> {
            if (!(definition instanceof Map)) {
                throw new IllegalArgumentException("resource " + id + " is not a mapping");
            }
            byId.put(id, new Resource(id, asMap(definition, id)));
        });
        this.resources = Collections.unmodifiableMap(byId);
    }

    public static CloudFormationTemplate read(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    public static CloudFormationTemplate parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        // CloudFormation refuses duplicate keys; a YAML reader would keep the last one silently.
        options.setAllowDuplicateKeys(false);
        Object document = new Yaml(new ShortFormTagConstructor(options)).load(yaml);
        if (!(document instanceof Map)) {
            throw new IllegalArgumentException("a template is a YAML mapping at the top level");
        }
        return new CloudFormationTemplate(asMap(document, "template"));
    }

    /** The repository's template, found from {@code start} or one of its parents. */
    public static Path locate(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(REPOSITORY_PATH);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + REPOSITORY_PATH + " in " + start.toAbsolutePath() + " or its parents");
    }

    /** The whole template, short forms in long form. */
    public Map<String, Object> asMap() {
        return root;
    }

    /** A top-level section (Parameters, Conditions, Resources, Outputs, ...); empty when absent. */
    public Map<String, Object> section(String name) {
        Object section = root.get(name);
        return section == null ? Collections.emptyMap() : asMap(section, name);
    }

    public Map<String, Object> parameter(String name) {
        Object definition = section("Parameters").get(name);
        if (definition == null) {
            throw new IllegalArgumentException("no parameter " + name + "; parameters: " + section("Parameters").keySet());
        }
        return asMap(definition, name);
    }

    /** The parameter's default as CloudFormation passes it (text), or null when it has none. */
    public String parameterDefault(String name) {
        Object value = parameter(name).get("Default");
        return value == null ? null : scalarText(value);
    }

    public List<Resource> resources() {
        return new ArrayList<>(resources.values());
    }

    public Resource resource(String logicalId) {
        Resource resource = resources.get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("no resource " + logicalId + "; resources: " + resources.keySet());
        }
        return resource;
    }

    public List<Resource> resourcesOfType(String type) {
        return resources.values().stream().filter(r -> r.type().equals(type)).collect(Collectors.toList());
    }

    public Map<String, Object> outputs() {
        return section("Outputs");
    }

    /** The value of a named condition under these bindings. */
    public boolean condition(String name, TemplateBindings bindings) {
        Object definition = section("Conditions").get(name);
        if (definition == null) {
            throw new IllegalArgumentException("no condition " + name + "; conditions: " + section("Conditions").keySet());
        }
        return truth(resolveValue(definition, bindings), "condition " + name);
    }

    /** True when the resource is created under these bindings (it has no Condition, or its condition holds). */
    public boolean isCreated(Resource resource, TemplateBindings bindings) {
        return resource.condition() == null || condition(resource.condition(), bindings);
    }

    /**
     * Resolves every intrinsic in {@code value}: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, Fn::Select,
     * Fn::Split, Fn::FindInMap, Fn::Base64 and the condition functions. A property or list item that
     * resolves to {@code AWS::NoValue} is left out. Anything the bindings cannot answer is an error that
     * names it.
     */
    public Object resolve(Object value, TemplateBindings bindings) {
        Object resolved = resolveValue(value, bindings);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** {@link #resolve} to text; numbers and booleans as CloudFormation passes them to a string property. */
    public String resolveText(Object value, TemplateBindings bindings) {
        Object resolved = resolve(value, bindings);
        if (resolved == null) {
            return null;
        }
        return scalarText(resolved);
    }

    /**
     * The DynamoDB tables of the template as SDK requests, named by the caller: physical names locally
     * differ from the stack's, which {@code ${AWS::StackName}} would give. Every table of the template
     * needs a name. Only the shape is carried over (keys, attributes, indexes, billing, stream); encryption,
     * backups and tags are AWS settings the emulators do not model.
     */
    public List<CreateTableRequest> tables(Map<String, String> tableNamesByLogicalId) {
        return tables(tableNamesByLogicalId, TemplateBindings.parametersOnly());
    }

    public List<CreateTableRequest> tables(Map<String, String> tableNamesByLogicalId, TemplateBindings bindings) {
        List<Resource> tables = created(DYNAMODB_TABLE, bindings);
        checkNames(tables, tableNamesByLogicalId, "table");
        List<CreateTableRequest> requests = new ArrayList<>();
        for (Resource table : tables) {
            requests.add(createTableRequest(table, tableNamesByLogicalId.get(table.logicalId()), bindings));
        }
        return requests;
    }

    /** The tables named as the stack names them ({@code TableName} resolved under the bindings). */
    public List<CreateTableRequest> tables(TemplateBindings bindings) {
        return tables(physicalNames(DYNAMODB_TABLE, bindings), bindings);
    }

    /** The Kinesis streams of the template, named by the caller; the shard count follows the template's parameters. */
    public List<StreamSpec> streams(Map<String, String> streamNamesByLogicalId) {
        return streams(streamNamesByLogicalId, TemplateBindings.parametersOnly());
    }

    public List<StreamSpec> streams(Map<String, String> streamNamesByLogicalId, TemplateBindings bindings) {
        List<Resource> streams = created(KINESIS_STREAM, bindings);
        checkNames(streams, streamNamesByLogicalId, "stream");
        List<StreamSpec> specs = new ArrayList<>();
        for (Resource stream : streams) {
            // Only what sizes the stream: its name is the caller's, the rest (encryption, retention) is AWS's.
            Map<String, Object> props = resolvedProperties(stream, bindings, Set.of("StreamModeDetails", "ShardCount"));
            Object details = props.get("StreamModeDetails");
            String mode = details == null ? StreamSpec.PROVISIONED
                    : scalarText(asMap(details, stream.logicalId() + ".StreamModeDetails").get("StreamMode"));
            Object shards = props.get("ShardCount");
            Integer shardCount = shards == null ? null : Integer.valueOf(scalarText(shards));
            if (StreamSpec.PROVISIONED.equals(mode) && shardCount == null) {
                shardCount = 1; // CloudFormation's default for a provisioned stream without ShardCount
            }
            specs.add(new StreamSpec(stream.logicalId(), streamNamesByLogicalId.get(stream.logicalId()), mode, shardCount));
        }
        return specs;
    }

    /** The streams named as the stack names them ({@code Name} resolved under the bindings). */
    public List<StreamSpec> streams(TemplateBindings bindings) {
        return streams(physicalNames(KINESIS_STREAM, bindings), bindings);
    }

    /** Logical id to the name the stack gives it, for every resource of the type the bindings create. */
    private Map<String, String> physicalNames(String type, TemplateBindings bindings) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Resource resource : created(type, bindings)) {
            names.put(resource.logicalId(), physicalName(resource, bindings));
        }
        return names;
    }

    /**
     * The Managed Flink application's property groups, resolved: group id to key to value. The local
     * stack starts from these and adds its endpoint and local.* keys.
     */
    public Map<String, Map<String, String>> propertyGroups(String applicationLogicalId, TemplateBindings bindings) {
        Resource application = resource(applicationLogicalId);
        if (!application.type().equals(FLINK_APPLICATION)) {
            throw new IllegalArgumentException(applicationLogicalId + " is a " + application.type() + ", not a " + FLINK_APPLICATION);
        }
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (Object group : application.list("ApplicationConfiguration", "EnvironmentProperties", "PropertyGroups")) {
            Map<String, Object> definition = asMap(group, applicationLogicalId + " property group");
            String id = scalarText(definition.get("PropertyGroupId"));
            Map<String, String> values = new LinkedHashMap<>();
            asMap(definition.getOrDefault("PropertyMap", Collections.emptyMap()), id).forEach((key, value) -> {
                String text = resolveText(value, bindings);
                if (text != null) {
                    values.put(key, text);
                }
            });
            groups.put(id, values);
        }
        return groups;
    }

    /** The explicit physical name of a resource that has one (TableName, Name, ApplicationName, ...). */
    public String physicalName(Resource resource, TemplateBindings bindings) {
        String property = nameProperty(resource.type());
        if (property == null || !resource.properties().containsKey(property)) {
            throw new IllegalArgumentException("resource " + resource.logicalId() + " (" + resource.type()
                    + ") has no name in the template; bind it with TemplateBindings.withRef");
        }
        return resolveText(resource.properties().get(property), bindings);
    }

    private List<Resource> created(String type, TemplateBindings bindings) {
        return resourcesOfType(type).stream().filter(r -> isCreated(r, bindings)).collect(Collectors.toList());
    }

    private static void checkNames(List<Resource> resources, Map<String, String> names, String kind) {
        Set<String> ids = resources.stream().map(Resource::logicalId).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(ids);
        missing.removeAll(names.keySet());
        Set<String> unknown = new TreeSet<>(names.keySet());
        unknown.removeAll(ids);
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("give a " + kind + " name for each of " + ids
                    + (missing.isEmpty() ? "" : "; missing: " + missing)
                    + (unknown.isEmpty() ? "" : "; not " + kind + "s of the template: " + unknown));
        }
        names.forEach((id, name) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("the " + kind + " name for " + id + " is blank");
            }
        });
    }

    private CreateTableRequest createTableRequest(Resource table, String name, TemplateBindings bindings) {
        for (String property : table.properties().keySet()) {
            if (!TABLE_SHAPE_PROPERTIES.contains(property) && !AWS_ONLY_TABLE_PROPERTIES.contains(property)) {
                // A property this reader does not know may change the shape: refuse rather than drop it.
                throw new IllegalArgumentException("table " + table.logicalId() + ": property " + property
                        + " is not understood by CloudFormationTemplate.tables; teach it or list it as AWS-only");
            }
        }
        Map<String, Object> props = resolvedProperties(table, bindings, TABLE_SHAPE_PROPERTIES);
        String where = table.logicalId();
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.fromValue(text(props, "BillingMode", where, "PROVISIONED")))
                .attributeDefinitions(list(props, "AttributeDefinitions", where).stream()
                        .map(a -> asMap(a, where + ".AttributeDefinitions"))
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(text(a, "AttributeName", where, null))
                                .attributeType(text(a, "AttributeType", where, null))
                                .build())
                        .collect(Collectors.toList()))
                .keySchema(keySchema(props.get("KeySchema"), where + ".KeySchema"));
        if (props.containsKey("ProvisionedThroughput")) {
            request.provisionedThroughput(throughput(props.get("ProvisionedThroughput"), where));
        }
        if (props.containsKey("GlobalSecondaryIndexes")) {
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            for (Object index : list(props, "GlobalSecondaryIndexes", where)) {
                Map<String, Object> gsi = asMap(index, where + ".GlobalSecondaryIndexes");
                String indexWhere = where + " index " + gsi.get("IndexName");
                GlobalSecondaryIndex.Builder builder = GlobalSecondaryIndex.builder()
                        .indexName(text(gsi, "IndexName", where, null))
                        .keySchema(keySchema(gsi.get("KeySchema"), indexWhere))
                        .projection(projection(gsi.get("Projection"), indexWhere));
                if (gsi.containsKey("ProvisionedThroughput")) {
                    builder.provisionedThroughput(throughput(gsi.get("ProvisionedThroughput"), indexWhere));
                }
                indexes.add(builder.build());
            }
            request.globalSecondaryIndexes(indexes);
        }
        if (props.containsKey("LocalSecondaryIndexes")) {
            List<LocalSecondaryIndex> indexes = new ArrayList<>();
            for (Object index : list(props, "LocalSecondaryIndexes", where)) {
                Map<String, Object> lsi = asMap(index, where + ".LocalSecondaryIndexes");
                String indexWhere = where + " index " + lsi.get("IndexName");
                indexes.add(LocalSecondaryIndex.builder()
                        .indexName(text(lsi, "IndexName", where, null))
                        .keySchema(keySchema(lsi.get("KeySchema"), indexWhere))
                        .projection(projection(lsi.get("Projection"), indexWhere))
                        .build());
            }
            request.localSecondaryIndexes(indexes);
        }
        if (props.containsKey("StreamSpecification")) {
            Map<String, Object> stream = asMap(props.get("StreamSpecification"), where + ".StreamSpecification");
            request.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                    .streamViewType(text(stream, "StreamViewType", where, null)).build());
        }
        return request.build();
    }

    private static List<KeySchemaElement> keySchema(Object value, String where) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(where + " must be a list of {AttributeName, KeyType}");
        }
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Object element : (List<?>) value) {
            Map<String, Object> key = asMap(element, where);
            keys.add(KeySchemaElement.builder()
                    .attributeName(text(key, "AttributeName", where, null))
                    .keyType(text(key, "KeyType", where, null))
                    .build());
        }
        return keys;
    }

    private static Projection projection(Object value, String where) {
        Map<String, Object> projection = asMap(value, where + ".Projection");
        Projection.Builder builder = Projection.builder().projectionType(text(projection, "ProjectionType", where, "KEYS_ONLY"));
        if (projection.containsKey("NonKeyAttributes")) {
            builder.nonKeyAttributes(list(projection, "NonKeyAttributes", where).stream()
                    .map(CloudFormationTemplate::scalarText).collect(Collectors.toList()));
        }
        return builder.build();
    }

    private static ProvisionedThroughput throughput(Object value, String where) {
        Map<String, Object> throughput = asMap(value, where + ".ProvisionedThroughput");
        return ProvisionedThroughput.builder()
                .readCapacityUnits(Long.valueOf(text(throughput, "ReadCapacityUnits", where, null)))
                .writeCapacityUnits(Long.valueOf(text(throughput, "WriteCapacityUnits", where, null)))
                .build();
    }

    /** The named properties, resolved; the others are left alone (they may refer to what only AWS knows). */
    private Map<String, Object> resolvedProperties(Resource resource, TemplateBindings bindings, Set<String> names) {
        Map<String, Object> selected = new LinkedHashMap<>();
        resource.properties().forEach((name, value) -> {
            if (names.contains(name)) {
                selected.put(name, value);
            }
        });
        Object resolved = resolve(selected, bindings);
        return resolved == null ? Collections.emptyMap() : asMap(resolved, resource.logicalId());
    }

    // ------------------------------------------------------------------ intrinsic resolution

    private Object resolveValue(Object value, TemplateBindings bindings) {
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object item : (List<?>) value) {
                Object resolved = resolveValue(item, bindings);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            if (ShortFormTagConstructor.isIntrinsic(map)) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                return function((String) only.getKey(), only.getValue(), bindings);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object resolved = resolveValue(v, bindings);
                if (resolved != NO_VALUE) {
                    out.put(String.valueOf(k), resolved);
                }
            });
            return out;
        }
        return value;
    }

    private Object function(String name, Object argument, TemplateBindings bindings) {
        switch (name) {
            case "Ref":
                return ref(scalarText(argument), bindings);
            case "Condition":
                return condition(scalarText(argument), bindings);
            case "Fn::GetAtt": {
                List<?> parts = argument instanceof List ? (List<?>) argument : List.of(scalarText(argument).split("\\.", 2));
                if (parts.size() != 2) {
                    throw new IllegalArgumentException("Fn::GetAtt needs [Resource, Attribute], got " + argument);
                }
                return getAtt(scalarText(parts.get(0)), scalarText(resolveValue(parts.get(1), bindings)), bindings);
            }
            case "Fn::Sub":
                return sub(argument, bindings);
            case "Fn::Join": {
                List<?> args = arguments(name, argument, 2);
                List<?> items = asList(resolveValue(args.get(1), bindings), name);
                return items.stream().map(CloudFormationTemplate::scalarText)
                        .collect(Collectors.joining(scalarText(args.get(0))));
            }
            case "Fn::If": {
                List<?> args = arguments(name, argument, 3);
                return resolveValue(condition(scalarText(args.get(0)), bindings) ? args.get(1) : args.get(2), bindings);
            }
            case "Fn::Equals": {
                List<?> args = arguments(name, argument, 2);
                return scalarText(resolveValue(args.get(0), bindings)).equals(scalarText(resolveValue(args.get(1), bindings)));
            }
            case "Fn::Not":
                return !truth(resolveValue(arguments(name, argument, 1).get(0), bindings), name);
            case "Fn::And":
                return asList(argument, name).stream().allMatch(c -> truth(resolveValue(c, bindings), name));
            case "Fn::Or":
                return asList(argument, name).stream().anyMatch(c -> truth(resolveValue(c, bindings), name));
            case "Fn::Select": {
                List<?> args = arguments(name, argument, 2);
                int index = Integer.parseInt(scalarText(resolveValue(args.get(0), bindings)));
                return asList(resolveValue(args.get(1), bindings), name).get(index);
            }
            case "Fn::Split": {
                List<?> args = arguments(name, argument, 2);
                return List.of(scalarText(resolveValue(args.get(1), bindings)).split(Pattern.quote(scalarText(args.get(0))), -1));
            }
            case "Fn::FindInMap": {
                List<?> args = arguments(name, argument, 3);
                Map<String, Object> map = asMap(section("Mappings").get(scalarText(resolveValue(args.get(0), bindings))), name);
                Map<String, Object> top = asMap(map.get(scalarText(resolveValue(args.get(1), bindings))), name);
                return top.get(scalarText(resolveValue(args.get(2), bindings)));
            }
            case "Fn::Base64":
                return Base64.getEncoder().encodeToString(
                        scalarText(resolveValue(argument, bindings)).getBytes(StandardCharsets.UTF_8));
            default:
                throw new IllegalArgumentException(name + " cannot be resolved outside CloudFormation");
        }
    }

    private Object ref(String name, TemplateBindings bindings) {
        if ("AWS::NoValue".equals(name)) {
            return NO_VALUE;
        }
        if (name.startsWith("AWS::")) {
            String value = bindings.pseudo(name);
            if (value == null) {
                throw new IllegalArgumentException("pseudo parameter " + name + " is unknown here; use TemplateBindings.stack");
            }
            return value;
        }
        if (section("Parameters").containsKey(name)) {
            String value = bindings.parameters().containsKey(name) ? bindings.parameters().get(name) : parameterDefault(name);
            if (value == null) {
                throw new IllegalArgumentException("parameter " + name + " has no default; give it a value");
            }
            return value;
        }
        Resource resource = resource(name);
        String bound = bindings.ref(name);
        if (bound != null) {
            return bound;
        }
        if (nameProperty(resource.type()) != null && resource.properties().containsKey(nameProperty(resource.type()))) {
            return physicalName(resource, bindings);
        }
        throw new IllegalArgumentException("Ref " + name + " (" + resource.type() + ") is only known to AWS; bind it with TemplateBindings.withRef");
    }

    private Object getAtt(String logicalId, String attribute, TemplateBindings bindings) {
        Resource resource = resource(logicalId);
        String bound = bindings.attribute(logicalId, attribute);
        if (bound != null) {
            return bound;
        }
        if ("Arn".equals(attribute)) {
            String service = arnPrefix(resource.type());
            if (service != null) {
                String partition = pseudo("AWS::Partition", bindings);
                String name = scalarText(ref(logicalId, bindings));
                return "arn:" + partition + ":" + service + ":" + pseudo("AWS::Region", bindings) + ":"
                        + pseudo("AWS::AccountId", bindings) + ":" + arnResource(resource.type(), name);
            }
        }
        throw new IllegalArgumentException("GetAtt " + logicalId + "." + attribute + " (" + resource.type()
                + ") is only known to AWS; bind it with TemplateBindings.withAttribute");
    }

    private static String pseudo(String name, TemplateBindings bindings) {
        String value = bindings.pseudo(name);
        if (value == null) {
            throw new IllegalArgumentException("pseudo parameter " + name + " is unknown here; use TemplateBindings.stack");
        }
        return value;
    }

    private Object sub(Object argument, TemplateBindings bindings) {
        String text;
        Map<String, Object> variables = Collections.emptyMap();
        if (argument instanceof List) {
            List<?> args = arguments("Fn::Sub", argument, 2);
            text = scalarText(args.get(0));
            variables = asMap(args.get(1), "Fn::Sub variables");
        } else {
            text = scalarText(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            String replacement;
            if (variable.startsWith("!")) {
                replacement = "${" + variable.substring(1) + "}";
            } else if (variables.containsKey(variable)) {
                replacement = scalarText(resolveValue(variables.get(variable), bindings));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                int dot = variable.indexOf('.');
                replacement = scalarText(getAtt(variable.substring(0, dot), variable.substring(dot + 1), bindings));
            } else {
                replacement = scalarText(ref(variable, bindings));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static List<?> arguments(String function, Object argument, int count) {
        List<?> args = asList(argument, function);
        if (args.size() != count) {
            throw new IllegalArgumentException(function + " takes " + count + " arguments, got " + args.size());
        }
        return args;
    }

    private static boolean truth(Object value, String where) {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        throw new IllegalArgumentException(where + " is not a condition: " + value);
    }

    private static String nameProperty(String type) {
        switch (type) {
            case DYNAMODB_TABLE:
                return "TableName";
            case KINESIS_STREAM:
                return "Name";
            case FLINK_APPLICATION:
                return "ApplicationName";
            case LAMBDA_FUNCTION:
                return "FunctionName";
            case "AWS::Logs::LogGroup":
                return "LogGroupName";
            case "AWS::Logs::LogStream":
                return "LogStreamName";
            case IAM_ROLE:
                return "RoleName";
            default:
                return null;
        }
    }

    private static String arnPrefix(String type) {
        switch (type) {
            case DYNAMODB_TABLE:
                return "dynamodb";
            case KINESIS_STREAM:
                return "kinesis";
            case LAMBDA_FUNCTION:
                return "lambda";
            case "AWS::Logs::LogGroup":
                return "logs";
            case FLINK_APPLICATION:
                return "kinesisanalytics";
            default:
                return null;
        }
    }

    private static String arnResource(String type, String name) {
        switch (type) {
            case DYNAMODB_TABLE:
                return "table/" + name;
            case KINESIS_STREAM:
                return "stream/" + name;
            case LAMBDA_FUNCTION:
                return "function:" + name;
            case "AWS::Logs::LogGroup":
                return "log-group:" + name + ":*";
            default:
                return "application/" + name;
        }
    }

    // ------------------------------------------------------------------ tree helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String where) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(where + " must be a mapping, not " + describe(value));
        }
        return (Map<String, Object>) value;
    }

    static List<?> asList(Object value, String where) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(where + " must be a list, not " + describe(value));
        }
        return (List<?>) value;
    }

    private static List<?> list(Map<String, Object> map, String key, String where) {
        return asList(map.get(key), where + "." + key);
    }

    private static String text(Map<String, Object> map, String key, String where, String fallback) {
        Object value = map.get(key);
        if (value == null) {
            if (fallback != null) {
                return fallback;
            }
            throw new IllegalArgumentException(where + ": " + key + " is required");
        }
        return scalarText(value);
    }

    /** A scalar as text, the way CloudFormation passes a number or boolean to a string property. */
    static String scalarText(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException("expected a scalar, not " + describe(value));
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map && ShortFormTagConstructor.isIntrinsic((Map<?, ?>) value)) {
            return "an unresolved " + ((Map<?, ?>) value).keySet().iterator().next() + " " + value;
        }
        return value instanceof Map ? "a mapping" : value instanceof List ? "a list" : "'" + value + "'";
    }

    /**
     * The names a value refers to through Ref, GetAtt, Sub or DependsOn: logical ids of resources, and
     * parameters and pseudo parameters.
     */
    public static Set<String> references(Object value) {
        Set<String> found = new TreeSet<>();
        Resource.collectReferences(value, found);
        return found;
    }

    /** One resource of the template. */
    public static final class Resource {
        private final String logicalId;
        private final Map<String, Object> definition;

        Resource(String logicalId, Map<String, Object> definition) {
            this.logicalId = logicalId;
            this.definition = definition;
            if (!(definition.get("Type") instanceof String)) {
                throw new IllegalArgumentException("resource " + logicalId + " has no Type");
            }
        }

        public String logicalId() {
            return logicalId;
        }

        public String type() {
            return (String) definition.get("Type");
        }

        /** Properties as written (intrinsics unresolved); empty when the resource has none. */
        public Map<String, Object> properties() {
            Object props = definition.get("Properties");
            return props == null ? Collections.emptyMap() : asMap(props, logicalId + ".Properties");
        }

        /** The property at this path of mapping keys, or null when any step is absent. */
        public Object property(String... path) {
            Object current = properties();
            for (String step : path) {
                if (!(current instanceof Map)) {
                    return null;
                }
                current = ((Map<?, ?>) current).get(step);
            }
            return current;
        }

        /** The list at this path; empty when absent. */
        public List<?> list(String... path) {
            Object value = property(path);
            return value == null ? Collections.emptyList() : asList(value, logicalId + "." + String.join(".", path));
        }

        /** A resource attribute outside Properties: DeletionPolicy, UpdateReplacePolicy, Condition, DependsOn, ... */
        public Object attribute(String name) {
            return definition.get(name);
        }

        public String condition() {
            Object condition = definition.get("Condition");
            return condition == null ? null : scalarText(condition);
        }

        public Map<String, Object> definition() {
            return definition;
        }

        /** Names this resource refers to through Ref, GetAtt, Sub or DependsOn. */
        public Set<String> references() {
            return CloudFormationTemplate.references(definition);
        }

        static void collectReferences(Object value, Set<String> found) {
            if (value instanceof List) {
                ((List<?>) value).forEach(v -> collectReferences(v, found));
            } else if (value instanceof Map) {
                Map<?, ?> map = (Map<?, ?>) value;
                if (map.size() == 1 && map.containsKey("Ref")) {
                    found.add(String.valueOf(map.get("Ref")));
                } else if (map.size() == 1 && map.containsKey("Fn::GetAtt") && map.get("Fn::GetAtt") instanceof List) {
                    found.add(String.valueOf(((List<?>) map.get("Fn::GetAtt")).get(0)));
                } else if (map.size() == 1 && map.containsKey("Fn::Sub")) {
                    Object sub = map.get("Fn::Sub");
                    String text = sub instanceof List ? String.valueOf(((List<?>) sub).get(0)) : String.valueOf(sub);
                    Matcher m = SUB_VARIABLE.matcher(text);
                    while (m.find()) {
                        if (!m.group(1).startsWith("!")) {
                            found.add(m.group(1).split("\\.", 2)[0]);
                        }
                    }
                    if (sub instanceof List) {
                        collectReferences(((List<?>) sub).get(1), found);
                    }
                } else {
                    map.forEach((k, v) -> {
                        if ("DependsOn".equals(k)) {
                            if (v instanceof List) {
                                ((List<?>) v).forEach(d -> found.add(String.valueOf(d)));
                            } else {
                                found.add(String.valueOf(v));
                            }
                        } else {
                            collectReferences(v, found);
                        }
                    });
                }
            }
        }

        @Override
        public String toString() {
            return logicalId + " (" + type() + ")";
        }
    }
}
