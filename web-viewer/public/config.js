// Runtime configuration of the viewer: served as is (not bundled), so a deployment can replace this file.
window.isocenterConfig = {
  dicomWebRoot: "/dicomweb",
  renderRoot: "/render",
  activityUrl: "/api/activity",
  pacsRoot: "/api",
  reviewRoot: "/api",
};
