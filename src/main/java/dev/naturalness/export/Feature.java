package dev.naturalness.export;

import java.io.Serializable;
import java.util.List;

/**
 * One column of an exported dataset as a Hugging Face dataset card declares it ({@code
 * dataset_info.features}): a value of a dtype ({@code string}, {@code float64}, {@code int32},
 * {@code int64}, {@code bool}), a struct of named features, or a list of one feature. Declared from
 * the schema the files are written with, never inferred from their rows, so an always-empty list
 * still has its type.
 */
public record Feature(String name, String dtype, List<Feature> fields, Feature element)
    implements Serializable {
  public static Feature value(String name, String dtype) {
    return new Feature(name, dtype, null, null);
  }

  public static Feature struct(String name, List<Feature> fields) {
    return new Feature(name, null, List.copyOf(fields), null);
  }

  public static Feature list(String name, Feature element) {
    return new Feature(name, null, null, element);
  }

  public static Feature string(String name) {
    return value(name, "string");
  }

  public static Feature float64(String name) {
    return value(name, "float64");
  }

  public static Feature int32(String name) {
    return value(name, "int32");
  }

  /**
   * A turn: a struct of the role's and the text's fields (role/content, or ShareGPT's from/value).
   */
  public static Feature turn(String name, String roleField, String textField) {
    return struct(name, List.of(string(roleField), string(textField)));
  }

  /** A list of turns. */
  public static Feature turns(String name, String roleField, String textField) {
    return list(name, turn(null, roleField, textField));
  }

  /**
   * The feature as the card's YAML writes it, each line indented by {@code indent} spaces: its
   * {@code name} (when it has one) and its type ({@code datasets}' Features._from_yaml_list reads
   * {@code dtype}, {@code struct} and {@code list}).
   */
  void yaml(StringBuilder out, int indent, boolean named) {
    String pad = " ".repeat(indent);
    if (named) {
      out.append(pad).append("- name: ").append(Yaml.string(name)).append('\n');
      pad = pad + "  ";
      indent += 2;
    }
    typeYaml(out, indent, pad);
  }

  private void typeYaml(StringBuilder out, int indent, String pad) {
    if (dtype != null) {
      out.append(pad).append("dtype: ").append(dtype).append('\n');
    } else if (fields != null) {
      out.append(pad).append("struct:\n");
      for (Feature f : fields) {
        f.yaml(out, indent, true);
      }
    } else if (element.dtype != null) {
      out.append(pad).append("list: ").append(element.dtype).append('\n');
    } else if (element.fields != null) {
      out.append(pad).append("list:\n");
      for (Feature f : element.fields) {
        f.yaml(out, indent, true);
      }
    } else {
      out.append(pad).append("list:\n");
      element.typeYaml(out, indent + 2, pad + "  ");
    }
  }
}
