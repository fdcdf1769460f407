#version 330 core
// Blinn-Phong shading with colormap lookup, contour lines and wireframe.
// render/shading.go implements the same arithmetic for the CPU backend;
// keep the two in step.
in vec3 vPos;
in vec3 vNormal;
in vec4 vAttr; // x: colour in [0,1], y: contour parameter, z, w: grid coordinates

uniform sampler2D uLUT;   // 256x1 colormap
uniform vec3 uEye;        // camera position, world
uniform vec3 uLight;      // unit direction towards the light, world
uniform vec4 uMaterial;   // ambient, diffuse, specular, shininess
uniform float uContours;  // number of contour levels; 0 = none
uniform vec4 uContourStyle; // rgb, strength
uniform vec4 uWireStyle;    // rgb, strength (0 = off)
uniform vec2 uLineWidth;  // half widths in pixels: contours, wire

out vec4 fragColor;

float lineAlpha(float s, vec2 grad, float halfWidth) {
	float g = length(grad);
	float d = abs(s - floor(s + 0.5));
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
	float t = clamp(vAttr.x, 0.0, 1.0);
	vec3 base = texture(uLUT, vec2(t * (255.0 / 256.0) + 0.5 / 256.0, 0.5)).rgb;
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
		float a = max(lineAlpha(vAttr.z, gu, uLineWidth.y), lineAlpha(vAttr.w, gv, uLineWidth.y));
		c = mix(c, uWireStyle.rgb, uWireStyle.a * a);
	}
	fragColor = vec4(c, 1.0);
}
