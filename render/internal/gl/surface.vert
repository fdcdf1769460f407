#version 330 core
// Surface mesh: world position, normal and (colour, height, grid u, grid v).
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec4 aAttr;

uniform mat4 uMVP;

out vec3 vPos;
out vec3 vNormal;
out vec4 vAttr;

void main() {
	vPos = aPos;
	vNormal = aNormal;
	vAttr = aAttr;
	gl_Position = uMVP * vec4(aPos, 1.0);
}
