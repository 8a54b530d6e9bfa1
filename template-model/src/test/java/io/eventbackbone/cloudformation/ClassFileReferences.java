package io.eventbackbone.cloudformation;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The methods a compiled class calls, read from its constant pool (class and method names of its
 * Methodref and InterfaceMethodref entries). Enough to see which SDK operations a library calls without
 * running it or having its sources.
 */
final class ClassFileReferences {

    private ClassFileReferences() {
    }

    /** "owner/internal/Name.method" for each method reference in the class file. */
    static Set<String> methodReferences(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        Map<Integer, String> utf8 = new HashMap<>();
        Map<Integer, Integer> classNames = new HashMap<>();
        Map<Integer, Integer> nameAndTypeNames = new HashMap<>();
        Map<Integer, int[]> methodRefs = new HashMap<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1:
                    utf8.put(i, in.readUTF());
                    break;
                case 3:
                case 4:
                    in.readInt();
                    break;
                case 5:
                case 6:
                    in.readLong();
                    i++; // eight-byte constants take two slots
                    break;
                case 7:
                    classNames.put(i, in.readUnsignedShort());
                    break;
                case 8:
                case 16:
                case 19:
                case 20:
                    in.readUnsignedShort();
                    break;
                case 9:
                    in.readUnsignedShort();
                    in.readUnsignedShort();
                    break;
                case 10:
                case 11:
                    methodRefs.put(i, new int[] {in.readUnsignedShort(), in.readUnsignedShort()});
                    break;
                case 12:
                    nameAndTypeNames.put(i, in.readUnsignedShort());
                    in.readUnsignedShort();
                    break;
                case 15:
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                    break;
                case 17:
                case 18:
                    in.readUnsignedShort();
                    in.readUnsignedShort();
                    break;
                default:
                    throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        Set<String> references = new LinkedHashSet<>();
        for (int[] ref : methodRefs.values()) {
            String owner = utf8.get(classNames.get(ref[0]));
            String method = utf8.get(nameAndTypeNames.get(ref[1]));
            references.add(owner + "." + method);
        }
        return references;
    }
}
