/* The About panel: the license list with its inline Add License form, and the Manual Activation
 * page. Texts come from the resource table the Persona Bar loaded (Licensing); answers to
 * actions come from this DNN server, which shows them through the bar's notification. */
import React, { Component } from "react";
import PropTypes from "prop-types";
import { Button, PersonaBarPage, PersonaBarPageHeader } from "@dnnsoftware/dnn-react-common";
import { call } from "./api.js";
import AddLicenseForm from "./AddLicenseForm.jsx";
import LicenseGrid from "./LicenseGrid.jsx";
import ManualActivation from "./ManualActivation.jsx";

function emptyForm() {
  return { type: "Production", email: "", invoice: "" };
}

export default class App extends Component {
  constructor(props) {
    super(props);
    this.state = {
      view: "list",
      data: null,
      formOpen: false,
      form: emptyForm(),
      errors: {},
      activationKey: "",
      keyError: "",
      busy: false,
    };
    this.text = this.text.bind(this);
  }

  componentDidMount() {
    this.reload();
  }

  text(key) {
    return this.props.utility.getResx("Licensing", key);
  }

  reload() {
    call(this.props.utility, "GET", "GetLicenses").then(
      (data) => this.setState({ data }),
      (error) => this.fail(error)
    );
  }

  fail(error) {
    this.setState({ busy: false });
    this.props.utility.notifyError(error.message, { clickToClose: true });
  }

  // The table is current before the notification shows, so whoever reads the notification
  // and then the table sees the table that goes with it.
  finish(result, onSuccess) {
    const data = Object.assign({}, this.state.data, { licenses: result.licenses });
    const next = Object.assign({ busy: false, data }, result.success && onSuccess ? onSuccess() : {});
    this.setState(next, () => {
      if (result.success) {
        this.props.utility.notify(result.message);
      } else {
        this.props.utility.notifyError(result.message, { clickToClose: true });
      }
    });
  }

  required(value, field) {
    return value.trim() ? "" : this.text("FieldRequired").replace("{field}", field);
  }

  openForm() {
    if (!this.state.formOpen) this.setState({ formOpen: true });
  }

  closeForm() {
    this.setState({ formOpen: false, form: emptyForm(), errors: {} });
  }

  changeForm(changes) {
    this.setState({ form: Object.assign({}, this.state.form, changes) });
  }

  activateAutomatically() {
    const form = this.state.form;
    const errors = {
      email: this.required(form.email, "Account Email"),
      invoice: this.required(form.invoice, "Invoice Number"),
    };
    this.setState({ errors });
    if (errors.email || errors.invoice) return;
    this.setState({ busy: true });
    call(this.props.utility, "POST", "AddLicense", {
      licenseType: form.type,
      webServer: this.state.data.serverName,
      email: form.email,
      invoice: form.invoice,
    }).then(
      (result) => this.finish(result, () => ({ formOpen: false, form: emptyForm(), errors: {} })),
      (error) => this.fail(error)
    );
  }

  removeLicense(license) {
    this.props.utility.confirm(this.text("DeleteConfirm"), this.text("Yes"), this.text("No"), () => {
      this.setState({ busy: true });
      call(this.props.utility, "POST", "DeleteLicense", { id: license.id }).then(
        (result) => this.finish(result),
        (error) => this.fail(error)
      );
    });
  }

  renewLicense(license) {
    this.setState({ busy: true });
    call(this.props.utility, "POST", "RenewLicense", { id: license.id }).then(
      (result) => this.finish(result),
      (error) => this.fail(error)
    );
  }

  submitActivationKey() {
    const key = this.state.activationKey;
    const keyError = this.required(key, "Activation Key");
    this.setState({ keyError });
    if (keyError) return;
    const form = this.state.form;
    this.setState({ busy: true });
    call(this.props.utility, "POST", "ActivateManual", {
      licenseType: form.type,
      email: form.email,
      invoice: form.invoice,
      key,
    }).then(
      (result) =>
        this.finish(result, () => ({
          view: "list",
          formOpen: false,
          form: emptyForm(),
          errors: {},
          activationKey: "",
        })),
      (error) => this.fail(error)
    );
  }

  renderList() {
    const data = this.state.data;
    return (
      <PersonaBarPage isOpen={true}>
        <PersonaBarPageHeader title={this.text("nav_Licensing")}>
          <Button type="primary" size="large" onClick={() => this.openForm()}>
            {this.text("AddLicense")}
          </Button>
        </PersonaBarPageHeader>
        <div className="dnn-persona-bar-page-body licensing-body">
          {data && !data.licensingReachable && <div className="licensing-notice">{this.text("CannotReach")}</div>}
          {data && this.state.formOpen && (
            <AddLicenseForm
              text={this.text}
              form={this.state.form}
              errors={this.state.errors}
              serverName={data.serverName}
              licenseTypes={data.licenseTypes}
              busy={this.state.busy}
              onChange={(changes) => this.changeForm(changes)}
              onCancel={() => this.closeForm()}
              onManual={() => this.setState({ view: "manual", activationKey: "", keyError: "" })}
              onAutomatic={() => this.activateAutomatically()}
            />
          )}
          {data && (
            <LicenseGrid
              text={this.text}
              licenses={data.licenses}
              busy={this.state.busy}
              onRemove={(license) => this.removeLicense(license)}
              onRenew={(license) => this.renewLicense(license)}
            />
          )}
        </div>
      </PersonaBarPage>
    );
  }

  render() {
    if (this.state.view === "manual" && this.state.data) {
      return (
        <ManualActivation
          text={this.text}
          serverId={this.state.data.serverId}
          requestKeyUrl={this.state.data.requestKeyUrl}
          activationKey={this.state.activationKey}
          keyError={this.state.keyError}
          busy={this.state.busy}
          onKeyChange={(activationKey) => this.setState({ activationKey })}
          onBack={() => this.setState({ view: "list", formOpen: true })}
          onCancel={() => this.setState({ view: "list", formOpen: false, form: emptyForm(), errors: {} })}
          onSubmit={() => this.submitActivationKey()}
        />
      );
    }
    return this.renderList();
  }
}

App.propTypes = {
  utility: PropTypes.object.isRequired,
};
