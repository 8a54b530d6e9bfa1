package io.eventbackbone.cloudformation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads CloudFormation's short-form intrinsic tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, ...) into
 * their long forms ({@code {"Ref": ...}}, {@code {"Fn::Sub": ...}}), so a YAML template becomes the same
 * tree as its JSON twin. Generic YAML readers drop or misread these tags.
 */
final class ShortFormTagConstructor extends SafeConstructor {

    /** Functions whose short form is {@code !Name} and long form {@code Fn::Name}. */
    static final List<String> FUNCTIONS = List.of("Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue",
            "Join", "Select", "Split", "Sub", "If", "Equals", "Not", "And", "Or", "Transform", "ToJsonString",
            "Length");

    ShortFormTagConstructor(LoaderOptions options) {
        super(options);
        for (String function : FUNCTIONS) {
            yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
        }
        yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
        yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
        yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
        // CloudFormation keeps an unquoted date (AWSTemplateFormatVersion: 2010-09-09) as text.
        yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    private Object content(Node node) {
        if (node instanceof ScalarNode) {
            return constructScalar((ScalarNode) node);
        }
        if (node instanceof SequenceNode) {
            return constructSequence((SequenceNode) node);
        }
        return constructMapping((MappingNode) node);
    }

    private final class LongForm extends AbstractConstruct {
        private final String name;

        LongForm(String name) {
            this.name = name;
        }

        @Override
        public Object construct(Node node) {
            return Collections.singletonMap(name, content(node));
        }
    }

    /** {@code !GetAtt Resource.Attribute} is the list {@code [Resource, Attribute]}; nested attributes keep their dots. */
    private final class GetAtt extends AbstractConstruct {
        @Override
        public Object construct(Node node) {
            Object value = content(node);
            if (value instanceof String) {
                String text = (String) value;
                int dot = text.indexOf('.');
                if (dot <= 0 || dot == text.length() - 1) {
                    throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, got '" + text + "'"
                            + (node.getStartMark() == null ? "" : " at " + node.getStartMark()));
                }
                List<Object> parts = new ArrayList<>(2);
                parts.add(text.substring(0, dot));
                parts.add(text.substring(dot + 1));
                value = parts;
            }
            return Collections.singletonMap("Fn::GetAtt", value);
        }
    }

    static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        Object key = map.keySet().iterator().next();
        return "Ref".equals(key) || "Condition".equals(key) || (key instanceof String && ((String) key).startsWith("Fn::"));
    }
}
