#version 330 core
// Blinn-Phong shading with colormap lookup (or class colours with class
// boundaries), contour lines and wireframe. render/shading.go implements
// the same arithmetic for the CPU backend; keep the two in step.
in vec3 vPos;
in vec3 vNormal;
in vec4 vAttr; // x: colour in [0,1], y: contour parameter, z, w: field column and row

uniform sampler2D uLUT;   // 256x1 colormap
uniform vec3 uEye;        // camera position, world
uniform vec3 uLight;      // unit direction towards the light, world
uniform vec4 uMaterial;   // ambient, diffuse, specular, shininess
uniform float uContours;  // number of contour levels; 0 = none
uniform vec4 uContourStyle; // rgb, strength
uniform vec4 uWireStyle;    // rgb, strength (0 = off)
uniform vec3 uLineWidth;  // half widths in pixels: contours, wire, class boundaries
uniform float uWireStep;  // wire lines every uWireStep columns and rows

uniform int uCategorical;      // 1: colour by class
uniform sampler2D uClasses;    // nx x ny class per field point (R32F)
uniform sampler2D uPalette;    // 256x1 class colours
uniform vec4 uBoundaryStyle;   // rgb, strength

out vec4 fragColor;

float lineAlpha(float s, vec2 grad, float halfWidth) {
	float g = length(grad);
	float d = abs(s - floor(s + 0.5));
	return g > 1e-6 ? clamp(halfWidth + 0.5 - d / g, 0.0, 1.0) : 0.0;
}

// edgeAlpha covers a line at distance d (field index units) from here.
float edgeAlpha(float d, vec2 grad, float halfWidth) {
	float g = length(grad);
	return g > 1e-6 ? clamp(halfWidth + 0.5 - d / g, 0.0, 1.0) : 0.0;
}

void main() {
	// Derivatives first: they must be taken in uniform control flow.
	float s = vAttr.y * (uContours + 1.0);
	vec2 gs = vec2(dFdx(s), dFdy(s));
	vec2 gu = vec2(dFdx(vAttr.z), dFdy(vAttr.z));
	vec2 gv = vec2(dFdx(vAttr.w), dFdy(vAttr.w));

	vec3 n = normalize(vNormal);
	vec3 v = normalize(uEye - vPos);
	if (dot(n, v) < 0.0) {
		n = -n;
	}
	vec3 base;
	float boundary = 0.0;
	if (uCategorical != 0) {
		ivec2 size = textureSize(uClasses, 0);
		vec2 p = vAttr.zw;
		ivec2 c = clamp(ivec2(floor(p + 0.5)), ivec2(0), size - 1);
		float k = texelFetch(uClasses, c, 0).r;
		base = texelFetch(uPalette, ivec2(int(mod(k, 256.0)), 0), 0).rgb;
		vec2 d = p - vec2(c);
		ivec2 nx = c + ivec2(d.x >= 0.0 ? 1 : -1, 0);
		ivec2 ny = c + ivec2(0, d.y >= 0.0 ? 1 : -1);
		if (nx.x >= 0 && nx.x < size.x && texelFetch(uClasses, nx, 0).r != k) {
			boundary = max(boundary, edgeAlpha(0.5 - abs(d.x), gu, uLineWidth.z));
		}
		if (ny.y >= 0 && ny.y < size.y && texelFetch(uClasses, ny, 0).r != k) {
			boundary = max(boundary, edgeAlpha(0.5 - abs(d.y), gv, uLineWidth.z));
		}
	} else {
		float t = clamp(vAttr.x, 0.0, 1.0);
		base = texture(uLUT, vec2(t * (255.0 / 256.0) + 0.5 / 256.0, 0.5)).rgb;
	}
	float diff = max(dot(n, uLight), 0.0);
	vec3 h = normalize(uLight + v);
	float spec = pow(max(dot(n, h), 0.0), uMaterial.w);
	vec3 c = clamp(base * (uMaterial.x + uMaterial.y * diff) + uMaterial.z * spec, 0.0, 1.0);

	if (uContours > 0.0) {
		float k = floor(s + 0.5);
		if (k >= 1.0 && k <= uContours) {
			c = mix(c, uContourStyle.rgb, uContourStyle.a * lineAlpha(s, gs, uLineWidth.x));
		}
	}
	if (uWireStyle.a > 0.0) {
		float a = max(lineAlpha(vAttr.z / uWireStep, gu / uWireStep, uLineWidth.y),
			lineAlpha(vAttr.w / uWireStep, gv / uWireStep, uLineWidth.y));
		c = mix(c, uWireStyle.rgb, uWireStyle.a * a);
	}
	c = mix(c, uBoundaryStyle.rgb, uBoundaryStyle.a * boundary);
	fragColor = vec4(c, 1.0);
}
