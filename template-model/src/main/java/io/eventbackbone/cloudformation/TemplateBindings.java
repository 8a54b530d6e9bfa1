package io.eventbackbone.cloudformation;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What CloudFormation would know when it resolves intrinsics, given by the caller instead: parameter
 * values (defaults apply to the rest), pseudo parameters, and, where the template cannot tell, what a
 * resource's {@code Ref} or {@code GetAtt} returns. Immutable; each {@code with...} returns a copy.
 */
public final class TemplateBindings {

    private final Map<String, String> parameters;
    private final Map<String, String> pseudo;
    private final Map<String, String> refs;
    private final Map<String, String> attributes;

    private TemplateBindings(Map<String, String> parameters, Map<String, String> pseudo, Map<String, String> refs,
                             Map<String, String> attributes) {
        this.parameters = Collections.unmodifiableMap(parameters);
        this.pseudo = Collections.unmodifiableMap(pseudo);
        this.refs = Collections.unmodifiableMap(refs);
        this.attributes = Collections.unmodifiableMap(attributes);
    }

    /**
     * A stack of this name in this region and account (for the emulators: any region, account
     * {@code 000000000000}); resources the template names explicitly get the names AWS would give them.
     */
    public static TemplateBindings stack(String stackName, String region, String accountId) {
        Map<String, String> pseudo = new HashMap<>();
        pseudo.put("AWS::StackName", Objects.requireNonNull(stackName, "stackName"));
        pseudo.put("AWS::Region", Objects.requireNonNull(region, "region"));
        pseudo.put("AWS::AccountId", Objects.requireNonNull(accountId, "accountId"));
        pseudo.put("AWS::Partition", region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws");
        pseudo.put("AWS::URLSuffix", region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com");
        pseudo.put("AWS::StackId", "arn:" + pseudo.get("AWS::Partition") + ":cloudformation:" + region + ":" + accountId
                + ":stack/" + stackName + "/00000000-0000-0000-0000-000000000000");
        pseudo.put("AWS::NotificationARNs", "");
        return new TemplateBindings(new HashMap<>(), pseudo, new HashMap<>(), new HashMap<>());
    }

    /** Only parameter defaults: enough for conditions and literal properties, not for names. */
    public static TemplateBindings parametersOnly() {
        return new TemplateBindings(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
    }

    public TemplateBindings withParameter(String name, String value) {
        Map<String, String> copy = new HashMap<>(parameters);
        copy.put(name, value);
        return new TemplateBindings(copy, pseudo, refs, attributes);
    }

    public TemplateBindings withParameters(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>(parameters);
        copy.putAll(values);
        return new TemplateBindings(copy, pseudo, refs, attributes);
    }

    /** What {@code Ref} of the resource returns (its physical name or id). */
    public TemplateBindings withRef(String logicalId, String value) {
        Map<String, String> copy = new HashMap<>(refs);
        copy.put(logicalId, value);
        return new TemplateBindings(parameters, pseudo, copy, attributes);
    }

    /** What {@code GetAtt logicalId.attribute} returns. */
    public TemplateBindings withAttribute(String logicalId, String attribute, String value) {
        Map<String, String> copy = new HashMap<>(attributes);
        copy.put(logicalId + "." + attribute, value);
        return new TemplateBindings(parameters, pseudo, refs, copy);
    }

    Map<String, String> parameters() {
        return parameters;
    }

    String pseudo(String name) {
        return pseudo.get(name);
    }

    String ref(String logicalId) {
        return refs.get(logicalId);
    }

    String attribute(String logicalId, String attribute) {
        return attributes.get(logicalId + "." + attribute);
    }
}
