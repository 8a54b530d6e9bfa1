package io.eventbackbone.cloudformation;

import io.eventbackbone.cloudformation.CloudFormationTemplate.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The REST API's methods as the template defines them: HTTP method, full path, and the function each reaches. */
final class ApiMethods {

    static final String METHOD = "AWS::ApiGateway::Method";
    static final String RESOURCE = "AWS::ApiGateway::Resource";

    /** One method of the API. */
    static final class ApiMethod {
        final Resource resource;
        final String httpMethod;
        final String path;
        /** The Lambda functions its integration URI names; empty for a MOCK integration. */
        final Set<String> functions;

        ApiMethod(Resource resource, String httpMethod, String path, Set<String> functions) {
            this.resource = resource;
            this.httpMethod = httpMethod;
            this.path = path;
            this.functions = functions;
        }

        /** "GET /aggregates/{aggregateId}". */
        String route() {
            return httpMethod + " " + path;
        }

        @Override
        public String toString() {
            return resource.logicalId() + ": " + route() + " -> " + functions;
        }
    }

    private ApiMethods() {
    }

    static List<ApiMethod> all(CloudFormationTemplate template) {
        List<ApiMethod> methods = new ArrayList<>();
        for (Resource method : template.resourcesOfType(METHOD)) {
            Object uri = method.property("Integration", "Uri");
            Set<String> functions = new TreeSet<>();
            if (uri != null) {
                for (String name : CloudFormationTemplate.references(uri)) {
                    if (template.section("Resources").containsKey(name)
                            && template.resource(name).type().equals(CloudFormationTemplate.LAMBDA_FUNCTION)) {
                        functions.add(name);
                    }
                }
            }
            methods.add(new ApiMethod(method, (String) method.property("HttpMethod"),
                    path(template, method.property("ResourceId")), functions));
        }
        return methods;
    }

    /** The methods whose integration reaches this function. */
    static List<ApiMethod> reaching(CloudFormationTemplate template, String functionLogicalId) {
        List<ApiMethod> out = new ArrayList<>();
        for (ApiMethod method : all(template)) {
            if (method.functions.contains(functionLogicalId)) {
                out.add(method);
            }
        }
        return out;
    }

    /** The path of a resource, from the API's root: a Ref to a resource, or the root's GetAtt. */
    static String path(CloudFormationTemplate template, Object resourceId) {
        if (isRoot(resourceId)) {
            return "/";
        }
        Map<?, ?> ref = (Map<?, ?>) resourceId;
        Resource resource = template.resource(String.valueOf(ref.get("Ref")));
        if (!resource.type().equals(RESOURCE)) {
            throw new IllegalArgumentException(resource + " is no API resource");
        }
        String parent = path(template, resource.property("ParentId"));
        return (parent.equals("/") ? "" : parent) + "/" + resource.property("PathPart");
    }

    private static boolean isRoot(Object resourceId) {
        return resourceId instanceof Map && ((Map<?, ?>) resourceId).containsKey("Fn::GetAtt")
                && ((List<?>) ((Map<?, ?>) resourceId).get("Fn::GetAtt")).get(1).equals("RootResourceId");
    }
}
